"""Application rounds: everyone signed in lists them; provincial admins create them."""
from flask.views import MethodView
from flask_smorest import Blueprint

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.input import Day, Int
from blueprints.api.schemas import InputSchema, PageArgs, RoundSchema, page_of
from blueprints.api.util import commit, paginate
from models import ApplicationRound
from services import homes
from services.scope import get_scoped, scoped

bp = Blueprint("api_rounds", __name__, description="申报批次")


class RoundInputSchema(InputSchema):
    year = Int(required=True)
    deadline = Day(required=True)
    quota = Int(allow_none=True)


@bp.route("/rounds")
class Rounds(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, page_of(RoundSchema))
    def get(self, args):
        """Rounds, newest year first."""
        stmt = scoped(ApplicationRound, api_user()).order_by(ApplicationRound.year.desc())
        return paginate(stmt, args["page"], args["per_page"], list)

    @bp.doc(security=SECURITY)
    @bp.arguments(RoundInputSchema)
    @bp.response(201, RoundSchema)
    def post(self, data):
        """Open a round (provincial admin); a second round of a year answers 409."""
        rnd = homes.create_round(api_user(), data)
        commit()
        return rnd


@bp.route("/rounds/<int:round_id>")
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, RoundSchema)
def round_detail(round_id):
    return get_scoped(ApplicationRound, round_id, api_user())
