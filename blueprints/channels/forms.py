"""The form of one group robot (one per provider on the page, told apart by a prefix)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField

from models.enums import RobotFormat


class RobotForm(FlaskForm):
    webhook_url = StringField("Webhook 地址", render_kw={"autocomplete": "off", "inputmode": "url"},
                              description="已保存的地址不再显示；留空则保持不变。私有化部署可填写内网地址。")
    secret = StringField("加签密钥（钉钉，SEC 开头）", render_kw={"autocomplete": "off"},
                         description="只有钉钉机器人需要；留空则保持不变。")
    clear_secret = BooleanField("清除已保存的加签密钥")
    # The service checks the value (a Chinese message naming the field).
    message_format = SelectField("消息格式", choices=RobotFormat.choices(),
                                 default=RobotFormat.MARKDOWN.value, validate_choice=False)
    enabled = BooleanField("启用", default=True)
    submit = SubmitField("保存")
