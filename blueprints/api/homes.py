"""Homes: scoped list and detail (profile, plans, service team and renewal come with issue 4)."""
from flask_smorest import Blueprint

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.schemas import HomeSchema, PageArgs, page_of
from blueprints.api.util import paginate
from models import Home
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
