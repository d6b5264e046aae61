"""Forms of the representative's workers, contact records and appeals pages.

Fields carry no validators (only CSRF is checked here); the services check every rule and name the
field in Chinese.
"""
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, SelectField, StringField, SubmitField, TextAreaField

from models.enums import AppealCategory
from services.contacts import MANUAL_CHANNELS


class WorkerForm(FlaskForm):
    name = StringField("姓名")
    work_unit = StringField("工作单位")
    field = StringField("从事领域")
    mobile = StringField("手机号")
    email = EmailField("电子信箱")
    submit = SubmitField("保存")


class LinkForm(FlaskForm):
    mobile = StringField("已在平台登记的科技工作者手机号")
    name = StringField("该科技工作者的姓名（须与登记的一致）")
    submit = SubmitField("关联")


class ContactForm(FlaskForm):
    worker_id = SelectField("科技工作者", coerce=str, validate_choice=False)
    date = DateField("联系日期")
    channel = SelectField("联系方式", choices=[(c.value, c.label) for c in MANUAL_CHANNELS],
                          validate_choice=False)
    summary = TextAreaField("联系内容（不超过2000字）")
    submit = SubmitField("保存联系记录")


class AppealForm(FlaskForm):
    category = SelectField("类别", choices=AppealCategory.choices(),
                           validate_choice=False)
    worker_id = SelectField("反映人（可匿名）", coerce=str, validate_choice=False)
    content = TextAreaField("诉求或建议内容（不超过5000字）")
    submit = SubmitField("提交")
