"""Forms of the Home manager's account page (the service checks every field, in Chinese)."""
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField

from models.enums import Level


class RepresentativeAccountForm(FlaskForm):
    """A new representative of the manager's Home; the account gets an activation code, never a
    password chosen by the manager."""

    username = StringField("用户名")
    name = StringField("姓名")
    level = SelectField("代表层级", choices=[("", "请选择")] + Level.choices(),
                        validate_choice=False)
    mobile = StringField("手机号")
    email = EmailField("电子信箱")
    work_unit = StringField("工作单位")
    speciality = StringField("专业特长")
    submit = SubmitField("创建代表账号")
