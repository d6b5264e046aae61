"""Forms of one's own account."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo


class PasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[DataRequired("请填写当前密码")])
    new_password = PasswordField("新密码（至少12个字符）",
                                 validators=[DataRequired("请填写新密码")])
    confirm = PasswordField("确认新密码", validators=[
        DataRequired("请再次填写新密码"), EqualTo("new_password", "两次填写的新密码不一致")])
    submit = SubmitField("修改密码")
