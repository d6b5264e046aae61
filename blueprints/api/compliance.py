"""GET /compliance?year=&home_id=&city= — the five-contact rule (SPEC §5.1, §8).

Answers exactly {year, threshold, compliance_rate, representatives: [{id, name, contacted_count,
compliant}]}; year defaults to this year (Asia/Shanghai). Who gets what:
- a representative: their own Home's rate, and only their own line in `representatives` (SPEC §4:
  a representative sees their Home's aggregate figures, not colleagues' records);
- a home manager: their Home, every active representative;
- a city admin (SPEC §5.12): one of its city's Homes by home_id, or without it its whole city
  (every active representative of the Homes whose host unit is in its city);
- a provincial admin: the Home given by home_id, a city by city, or without either the whole
  province (all active representatives of all Homes).
A home_id outside the caller's scope (or unknown) answers 404, so does a city other than a city
admin's own (or any city for a manager or representative); a city that is not one of the 13 is
422 naming `city`. Deactivated representatives are
left out, as they are of the rate.
"""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.input import Int
from blueprints.api.schemas import InputSchema
from blueprints.api.util import year_and_home
from extensions import db
from models.enums import Role
from services import clock, compliance
from services.scope import city_home_ids, scoped_city
from services.years import FILTER_YEARS

bp = Blueprint("api_compliance", __name__, description="联系科技工作者达标情况")


class ComplianceArgs(InputSchema):
    year = Int()
    home_id = Int()
    city = fields.String(metadata={
        "description": "A 设区市 (南京市 …): its Homes' representatives together — any city for a "
                       "provincial admin, its own for a city admin (the default for one); 404 "
                       "otherwise."})


class RepresentativeComplianceSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    contacted_count = fields.Integer()
    compliant = fields.Boolean()


class ComplianceSchema(Schema):
    year = fields.Integer()
    threshold = fields.Integer()
    compliance_rate = fields.Float()
    representatives = fields.List(fields.Nested(RepresentativeComplianceSchema))


@bp.route("/compliance")
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(ComplianceArgs, location="query")
@bp.response(200, ComplianceSchema)
def compliance_report(args):
    """Compliance of a Home, a city (city admins: their own by default) or the province (provincial
    admins without home_id) for a year."""
    user = api_user()
    city = scoped_city(user, args.get("city")) if args.get("home_id") is None else None
    if city is not None:
        year = args.get("year", clock.today().year)
        FILTER_YEARS.check(year)
        home_ids = db.session.scalars(city_home_ids(city)).all()
        rows = compliance.representatives(year, home_ids=home_ids, names_only=True)
    else:
        year, home_id = year_and_home(args, user)
        # One grouped query; the rate is derived from the same rows (active representatives only).
        rows = compliance.representatives(year, home_id=home_id, names_only=True)
    rate = compliance.rate_of(rows)
    if user.role == Role.REPRESENTATIVE:
        rows = [r for r in rows if r.representative.id == user.id]
    return {
        "year": year,
        "threshold": compliance.threshold(),
        "compliance_rate": rate,
        "representatives": [{"id": r.representative.id, "name": r.representative.name,
                             "contacted_count": r.contacted_count, "compliant": r.compliant}
                            for r in rows],
    }
