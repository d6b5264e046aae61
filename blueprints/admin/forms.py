"""Forms of account and unit administration."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from models.enums import JIANGSU_CITIES, Level, Role, UnitKind


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=64)])
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=50)])
    password = PasswordField("初始密码（至少12个字符）", validators=[DataRequired("请填写初始密码")])
    role = SelectField("角色", choices=Role.choices())
    unit_id = SelectField("所属单位（管理员）", coerce=str, validators=[Optional()])
    home_id = SelectField("所属代表之家（代表）", coerce=str, validators=[Optional()])
    level = SelectField("代表层级", choices=[("", "—")] + Level.choices(), validators=[Optional()])
    mobile = StringField("手机号", validators=[Optional(), Length(max=40)])
    email = EmailField("电子信箱", validators=[Optional(), Length(max=120)])
    work_unit = StringField("工作单位", validators=[Optional(), Length(max=100)])
    speciality = StringField("专业特长", validators=[Optional(), Length(max=100)])
    submit = SubmitField("创建账号")


class UnitForm(FlaskForm):
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称"), Length(max=100)])
    kind = SelectField("单位类型", choices=UnitKind.choices())
    city = SelectField("所在设区市", choices=[("", "—")] + [(c, c) for c in JIANGSU_CITIES],
                       validators=[Optional()])
    address = StringField("通讯地址", validators=[Optional(), Length(max=200)])
    postcode = StringField("邮编", validators=[Optional(), Length(max=10)])
    contact_person = StringField("联系人", validators=[Optional(), Length(max=50)])
    phone = StringField("联系电话", validators=[Optional(), Length(max=30)])
    fax = StringField("传真", validators=[Optional(), Length(max=30)])
    email = EmailField("电子信箱", validators=[Optional(), Length(max=120)])
    submit = SubmitField("保存")
