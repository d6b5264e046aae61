"""Homes: scoped list and detail; basic conditions (profile, plans, service team); renewal."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.schemas import HomeSchema, InputSchema, PageArgs, page_of
from blueprints.api.util import commit, paginate
from models import Home
from services import homes as home_service
from services.scope import get_scoped, scoped

bp = Blueprint("api_homes", __name__, description="代表之家")


@bp.route("/homes")
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_of(HomeSchema))
def homes(args):
    """Homes in the caller's scope."""
    stmt = scoped(Home, api_user()).order_by(Home.id)
    return paginate(stmt, args["page"], args["per_page"], list)


@bp.route("/homes/<int:home_id>")
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, HomeSchema)
def home_detail(home_id):
    """One Home with status, recognized_on and expires_on."""
    return get_scoped(Home, home_id, api_user())


class ProfileInputSchema(InputSchema):
    venue_address = fields.String(allow_none=True)
    has_sign = fields.Boolean()
    has_facilities = fields.Boolean()
    management_rules = fields.Boolean()


class PlanInputSchema(InputSchema):
    plan = fields.String(allow_none=True)
    funding = fields.Raw(allow_none=True)


class PlanSchema(Schema):
    id = fields.Integer()
    home_id = fields.Integer()
    year = fields.Integer()
    plan = fields.String()
    funding = fields.Float()


class MemberInputSchema(InputSchema):
    name = fields.String(required=True, allow_none=True)
    duty = fields.String(allow_none=True)


class MemberSchema(Schema):
    id = fields.Integer()
    home_id = fields.Integer()
    name = fields.String()
    duty = fields.String()


@bp.route("/homes/<int:home_id>/profile", methods=["PATCH"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(ProfileInputSchema)
@bp.response(200, HomeSchema)
def profile(data, home_id):
    """Basic conditions: venue address, sign, facilities, management rules (manager, admin)."""
    home = get_scoped(Home, home_id, api_user())
    home_service.update_profile(api_user(), home, data)
    commit()
    return home


@bp.route("/homes/<int:home_id>/plans/<int:year>", methods=["PUT"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(PlanInputSchema)
@bp.response(200, PlanSchema)
def plan(data, home_id, year):
    """The work plan and special funding (yuan, ≥ 0) of a year, created or replaced."""
    home = get_scoped(Home, home_id, api_user())
    result = home_service.upsert_plan(api_user(), home, year, data)
    commit()
    return result


@bp.route("/homes/<int:home_id>/service-team", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(MemberInputSchema)
@bp.response(201, MemberSchema)
def service_team(data, home_id):
    """Add a service team member (manager, admin)."""
    home = get_scoped(Home, home_id, api_user())
    member = home_service.add_member(api_user(), home, data)
    commit()
    return member


@bp.route("/homes/<int:home_id>/service-team/<int:member_id>", methods=["DELETE"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(204)
def service_team_remove(home_id, member_id):
    """Remove a service team member (manager, admin)."""
    home = get_scoped(Home, home_id, api_user())
    home_service.remove_member(api_user(), home, member_id)
    commit()
    return ""


@bp.route("/homes/<int:home_id>/renew", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, HomeSchema)
def renew(home_id):
    """SPEC §5.3 renewal (admin): 409 unless active with a latest published assessment not fail."""
    home = get_scoped(Home, home_id, api_user())
    home_service.renew_home(api_user(), home)
    commit()
    return home
