"""Units (依托单位): scoped list and detail; creation by provincial admins."""

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.schemas import InputSchema, PageArgs, UnitSchema, page_of
from blueprints.api.util import commit, paginate
from models import Unit
from services import homes
from services.scope import get_scoped, scoped

bp = Blueprint("api_units", __name__, description="依托单位")


class UnitInputSchema(InputSchema):
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"enum": ["city_association", "provincial_society",
                                            "enterprise_association"]})
    city = fields.String(allow_none=True)
    address = fields.String()
    postcode = fields.String()
    contact_person = fields.String()
    phone = fields.String()
    fax = fields.String()
    email = fields.String()


@bp.route("/units")
class Units(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, page_of(UnitSchema))
    def get(self, args):
        """Units in the caller's scope."""
        stmt = scoped(Unit, api_user()).order_by(Unit.id)
        return paginate(stmt, args["page"], args["per_page"], list)

    @bp.doc(security=SECURITY)
    @bp.arguments(UnitInputSchema)
    @bp.response(201, UnitSchema)
    def post(self, data):
        """Create a unit (provincial admin); a duplicate name answers 409."""
        unit = homes.create_unit(api_user(), data)
        commit()
        return unit


@bp.route("/units/<int:unit_id>")
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, UnitSchema)
def unit_detail(unit_id):
    """One unit in the caller's scope."""
    return get_scoped(Unit, unit_id, api_user())



