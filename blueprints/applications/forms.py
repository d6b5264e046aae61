"""The application form (申报书)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from services.homes import PLEDGE_TEXT, SCHEME_GUIDANCE


class ApplicationForm(FlaskForm):
    round_id = SelectField("申报批次", coerce=str, validate_choice=False)
    contact_name = StringField("联系人", validators=[Optional(), Length(max=50)])
    contact_mobile = StringField("手机", validators=[Optional(), Length(max=40)])
    fax = StringField("传真", validators=[Optional(), Length(max=30)])
    email = EmailField("电子信箱", validators=[Optional(), Length(max=120)])
    scheme = TextAreaField("申报方案",
                           description=SCHEME_GUIDANCE + "（不计空格和换行）",
                           render_kw={"rows": 16, "data-scheme-count": "scheme-count",
                                      "data-scheme-min": "1000", "data-draft": True})
    pledge = BooleanField("本单位承诺：" + PLEDGE_TEXT)
    save = SubmitField("保存草稿")
    submit_now = SubmitField("保存并提交")
