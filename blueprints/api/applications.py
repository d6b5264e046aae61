"""Applications (申报书): managers create, edit and submit their unit's; admins review (SPEC §8)."""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.input import Int, partial_of
from blueprints.api.schemas import HomeSchema, InputSchema, PageArgs, page_of
from blueprints.api.util import commit, paginate
from models import Application
from services import homes as service
from services.scope import get_scoped, scoped

bp = Blueprint("api_applications", __name__, description="申报书")


class ApplicationSchema(Schema):
    id = fields.Integer()
    unit_id = fields.Integer()
    round_id = fields.Integer()
    scheme = fields.String()
    scheme_length = fields.Function(lambda a: service.scheme_length(a.scheme))
    contact_name = fields.String()
    contact_mobile = fields.String()
    fax = fields.String()
    email = fields.String()
    pledge = fields.Boolean()
    status = fields.String()
    opinion = fields.String()
    reviewer_id = fields.Integer(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)


class ReviewedApplicationSchema(ApplicationSchema):
    """A reviewed application; `home` is the recognised Home after an approval (else null)."""

    home = fields.Function(lambda a: HomeSchema().dump(a.recognised_home)
                           if getattr(a, "recognised_home", None) is not None else None)


class ApplicationInputSchema(InputSchema):
    round_id = Int(required=True)
    scheme = fields.String()
    contact_name = fields.String()
    contact_mobile = fields.String()
    fax = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    pledge = fields.Boolean()


class ReviewInputSchema(InputSchema):
    decision = fields.String(required=True, metadata={"enum": ["approve", "reject", "return"]})
    opinion = fields.String(allow_none=True)


@bp.route("/applications")
class Applications(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, page_of(ApplicationSchema))
    def get(self, args):
        """Applications in the caller's scope, newest first."""
        stmt = scoped(Application, api_user()).order_by(Application.id.desc())
        return paginate(stmt, args["page"], args["per_page"], list)

    @bp.doc(security=SECURITY)
    @bp.arguments(ApplicationInputSchema)
    @bp.response(201, ApplicationSchema)
    def post(self, data):
        """A draft application of the manager's unit; a second live one in the round answers 409."""
        application = service.create_application(api_user(), data)
        commit()
        return application


@bp.route("/applications/<int:application_id>")
class ApplicationDetail(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.response(200, ApplicationSchema)
    def get(self, application_id):
        """One application with status, scheme_length and opinion."""
        return get_scoped(Application, application_id, api_user())

    @bp.doc(security=SECURITY)
    @bp.arguments(partial_of(ApplicationInputSchema))
    @bp.response(200, ApplicationSchema)
    def patch(self, data, application_id):
        """Change a draft or returned application (others answer 409)."""
        application = get_scoped(Application, application_id, api_user())
        service.update_application(api_user(), application, data)
        commit()
        return application


@bp.route("/applications/<int:application_id>/submit", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, ApplicationSchema)
def submit(application_id):
    """Submit (SPEC §5.2): 422 naming scheme/pledge/contact_name/contact_mobile; 409 past the
    deadline or while the unit's Home is active."""
    application = get_scoped(Application, application_id, api_user())
    service.submit_application(api_user(), application)
    commit()
    return application


@bp.route("/applications/<int:application_id>/review", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(ReviewInputSchema)
@bp.response(200, ReviewedApplicationSchema)
def review(data, application_id):
    """Approve, reject or return with an opinion (admin); approving answers the Home too."""
    application = get_scoped(Application, application_id, api_user())
    application, home = service.review_application(api_user(), application, data)
    commit()
    application.recognised_home = home  # transient, for the answer only
    return application
