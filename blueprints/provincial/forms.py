"""Forms of the provincial office pages."""
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional


class RoundForm(FlaskForm):
    year = IntegerField("年度", validators=[InputRequired("请填写年度"),
                                          NumberRange(2000, 2100, "年度应在2000到2100之间")])
    deadline = DateField("截止日期（含当日）", validators=[InputRequired("请填写截止日期")])
    quota = IntegerField("认定名额", default=10, validators=[Optional(), NumberRange(
        0, 1000, "认定名额应在0到1000之间")])
    submit = SubmitField("保存")
