"""GET /dashboard?year=&home_id=&city= — the figures of a dashboard (SPEC §8), verified activities
only.

Answers exactly {year, homes_active, representatives, compliance_rate, activities_by_theme,
activities_by_month, appeals_open, appeals_handling_rate, appeals_median_days, linked_levels, needs}.
Scope: a representative or a home manager gets their Home (another home_id, or an unknown one,
answers 404); a city admin its city (another city → 404), or one of its city's Homes by home_id; a
provincial admin the whole province, a city by city, or the Home given by home_id.
"""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.input import Int
from blueprints.api.schemas import InputSchema
from blueprints.api.util import year_and_home
from models.enums import Theme
from services import clock, dashboard
from services.scope import scoped_city
from services.years import FILTER_YEARS

bp = Blueprint("api_dashboard", __name__, description="数据看板")

THEME_CODES = [t.value for t in Theme]
MONTH_KEYS = [str(m) for m in dashboard.MONTHS]


class DashboardArgs(InputSchema):
    year = Int(metadata={"description": "Calendar year (default: this year, Asia/Shanghai)."})
    home_id = Int(metadata={"description": "A Home in the caller's scope."})
    city = fields.String(metadata={
        "description": "A 设区市 (南京市 …): its Homes' figures — any city for a provincial admin, "
                       "its own for a city admin (the default for one); 404 otherwise."})


class LinkedLevelsSchema(Schema):
    count = fields.Integer(metadata={
        "description": "Verified activities of the year whose organiser and co-organisers held "
                       "at least two representative levels when verified (三级联动)."})
    share = fields.Float(metadata={
        "description": "count / verified activities of the year, in [0, 1]; 0 when none."})


class NeedFiguresSchema(Schema):
    received = fields.Integer(metadata={
        "description": "Needs received in the year (for a Home: those dispatched to it)."})
    dispatched = fields.Integer(metadata={"description": "Of those, now dispatched to a Home."})
    fulfilled = fields.Integer(metadata={"description": "Of those, fulfilled (or closed after)."})
    fulfilment_rate = fields.Float(allow_none=True, metadata={
        "description": "fulfilled / received; null when none were received."})
    median_days_to_assign = fields.Float(allow_none=True, metadata={
        "description": "Median calendar days from received to assigned; null when none."})
    average_rating = fields.Float(allow_none=True, metadata={
        "description": "Mean requester rating (1–5); null when none rated."})


class DashboardSchema(Schema):
    year = fields.Integer(metadata={"description": "The calendar year counted."})
    homes_active = fields.Integer(metadata={
        "description": "Homes with status active in the scope (0 or 1 for one Home)."})
    representatives = fields.Integer(metadata={
        "description": "Active representatives of the scope's Homes."})
    compliance_rate = fields.Float(metadata={
        "description": "SPEC 5.1: compliant active representatives / active representatives, "
                       "a number in [0, 1] (0 when there is none)."})
    activities_by_theme = fields.Dict(
        keys=fields.String(), values=fields.Integer(),
        metadata={"description": "Verified activities dated in the year, by theme: an object "
                                 "with all four theme codes as keys (party_building, window, "
                                 "neighborhood, innovation), zeros included.",
                  "example": {"party_building": 3, "window": 5, "neighborhood": 0,
                              "innovation": 2}})
    activities_by_month = fields.Dict(
        keys=fields.String(), values=fields.Integer(),
        metadata={"description": "Verified activities dated in the year, by calendar month: an "
                                 "object with the twelve keys \"1\" … \"12\" (no leading zero), "
                                 "zeros included. Co-organised activities count once.",
                  "example": {str(m): 0 for m in range(1, 13)}})
    appeals_open = fields.Integer(metadata={
        "description": "Appeals of the scope currently open (status received or forwarded), "
                       "whenever they were received."})
    appeals_handling_rate = fields.Float(allow_none=True, metadata={
        "description": "SPEC 5.5 办结率: of the appeals received in the year, the share now "
                       "resolved or closed, a number in [0, 1]; null when none were received."})
    appeals_median_days = fields.Float(allow_none=True, metadata={
        "description": "SPEC 5.5: the median of calendar days (Asia/Shanghai) from received to "
                       "resolved over the year's appeals that are resolved; null when none."})
    needs = fields.Nested(NeedFiguresSchema, metadata={"description": "SPEC 5.11 需求对接."})
    linked_levels = fields.Nested(LinkedLevelsSchema, metadata={
        "description": "SPEC 5.12 三级联动 of the year's verified activities."})


@bp.route("/dashboard")
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(DashboardArgs, location="query")
@bp.response(200, DashboardSchema)
def dashboard_figures(args):
    """Dashboard figures of the caller's Home, or of the province / a Home for admins."""
    user = api_user()
    city = scoped_city(user, args.get("city")) if args.get("home_id") is None else None
    if city is not None:
        year = args.get("year", clock.today().year)
        FILTER_YEARS.check(year)
        scope = dashboard.Scope(year=year, city=city)
    else:
        year, home_id = year_and_home(args, user)
        scope = dashboard.Scope(year=year, home_id=home_id)
    stats = dashboard.activity_stats(scope)
    kpis = dashboard.kpis(scope, stats=stats)
    by_month = stats.by_month
    appeals = dashboard.appeals_by_status(scope)
    return {
        "year": year,
        "homes_active": kpis["homes_active"],
        "representatives": kpis["representatives"],
        "compliance_rate": kpis["compliance_rate"],
        "activities_by_theme": {code: stats.by_theme[code] for code in THEME_CODES},
        "activities_by_month": {key: by_month[int(key)] for key in MONTH_KEYS},
        "appeals_open": kpis["appeals_open"],
        "appeals_handling_rate": appeals["handling_rate"],
        "appeals_median_days": appeals["median_days"],
        "needs": dashboard.need_figures(scope),
        "linked_levels": dashboard.linked_levels(scope),
    }
