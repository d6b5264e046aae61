"""Forms of a Home's basic conditions."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from blueprints.form_fields import StrictIntegerField
from services.years import PLAN_YEARS


class ProfileForm(FlaskForm):
    venue_address = StringField("活动场所地址", validators=[Optional(), Length(max=200)])
    has_sign = BooleanField("有醒目标志")
    has_facilities = BooleanField("有学习办公设施和党刊报纸")
    management_rules = BooleanField("有服务代表的管理办法")
    submit = SubmitField("保存基础条件")


class PlanForm(FlaskForm):
    year = StrictIntegerField("年度", validators=[InputRequired("请填写年度"), NumberRange(
        PLAN_YEARS.first, PLAN_YEARS.last, PLAN_YEARS.message("年度"))])
    plan = TextAreaField("年度工作计划", render_kw={"rows": 5})
    funding = StringField("专项经费（元）", validators=[Optional()])
    submit = SubmitField("保存计划与经费")


class MemberForm(FlaskForm):
    name = StringField("姓名", validators=[Optional(), Length(max=50)])
    duty = StringField("职责", validators=[Optional(), Length(max=100)])
    submit = SubmitField("添加成员")
