"""Forms of the provincial office pages."""
from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from blueprints.form_fields import StrictDateField, StrictIntegerField
from services.years import PLAN_YEARS


class RoundForm(FlaskForm):
    year = StrictIntegerField("年度", validators=[InputRequired("请填写年度"), NumberRange(
        PLAN_YEARS.first, PLAN_YEARS.last, PLAN_YEARS.message("年度"))])
    deadline = StrictDateField("截止日期（含当日）", validators=[InputRequired("请填写截止日期")])
    quota = StrictIntegerField("认定名额", default=10, validators=[Optional(), NumberRange(
        0, 1000, "认定名额应在0到1000之间")])
    submit = SubmitField("保存")
