"""Login forms: the password step and the second-factor step."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField("用户名或手机号",
                           validators=[DataRequired("请填写用户名或手机号"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请填写密码"), Length(max=128)])
    remember = BooleanField("在此设备上保持登录（仅限代表，最长7天）")
    submit = SubmitField("登录")


class OtpForm(FlaskForm):
    otp = StringField("动态验证码", validators=[DataRequired("请填写动态验证码"), Length(max=20)])
    submit = SubmitField("验证")
