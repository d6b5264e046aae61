"""Appeals and suggestions: GET/POST /appeals, GET/PATCH /appeals/{id} (SPEC §8).

POST by a representative (their Home). PATCH changes status/response and is for the manager of the
appeal's Home or a provincial admin; a representative gets 403 on their own appeal, and 404 on
anyone else's. Invalid transitions answer 409.
"""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.schemas import InputSchema, PageArgs, page_of
from blueprints.api.util import commit, paginate
from models import Appeal
from models.enums import AppealStatus
from services import appeals as appeal_service
from services.errors import ValidationFailed
from services.scope import get_scoped, scoped

bp = Blueprint("api_appeals", __name__, description="诉求建议")


class AppealInputSchema(InputSchema):
    category = fields.String(required=True, metadata={"enum": [
        "research_funding", "talent_evaluation", "career", "work_conditions", "policy", "other"]})
    content = fields.String(required=True)
    worker_id = fields.Raw(allow_none=True)


class AppealPatchSchema(InputSchema):
    status = fields.String(metadata={"enum": ["forwarded", "resolved", "closed"]})
    response = fields.String(allow_none=True)


class AppealListArgs(PageArgs):
    status = fields.String()


class AppealSchema(Schema):
    id = fields.Integer()
    representative_id = fields.Integer()
    home_id = fields.Integer()
    worker_id = fields.Integer(allow_none=True)
    category = fields.String()
    content = fields.String()
    status = fields.String()
    response = fields.String()
    handled_by_id = fields.Integer(allow_none=True)
    resolved_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    source = fields.String(metadata={"enum": ["representative", "qr"],
                                     "description": "qr: left through the 代表码 (SPEC 5.5)."})
    submitter_name = fields.String()
    submitter_contact = fields.String()


@bp.route("/appeals")
class Appeals(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.arguments(AppealListArgs, location="query")
    @bp.response(200, page_of(AppealSchema))
    def get(self, args):
        """Appeals in the caller's scope, newest first (?status=)."""
        stmt = scoped(Appeal, api_user())
        if "status" in args:
            if args["status"] not in AppealStatus.values():
                raise ValidationFailed({"status": ["状态无效"]})
            stmt = stmt.where(Appeal.status == args["status"])
        stmt = stmt.order_by(Appeal.created_at.desc(), Appeal.id.desc())
        return paginate(stmt, args["page"], args["per_page"], list)

    @bp.doc(security=SECURITY)
    @bp.arguments(AppealInputSchema)
    @bp.response(201, AppealSchema)
    def post(self, data):
        """File an appeal (representatives; worker_id optional — anonymous allowed)."""
        data = {k: v for k, v in data.items() if not (k == "worker_id" and v in (None, ""))}
        appeal = appeal_service.create_appeal(api_user(), data)
        commit()
        return appeal


@bp.route("/appeals/<int:appeal_id>")
class AppealDetail(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.response(200, AppealSchema)
    def get(self, appeal_id):
        """One appeal in the caller's scope."""
        return get_scoped(Appeal, appeal_id, api_user())

    @bp.doc(security=SECURITY)
    @bp.arguments(AppealPatchSchema)
    @bp.response(200, AppealSchema)
    def patch(self, data, appeal_id):
        """Change status (forwarded / resolved with response / closed) — manager or admin."""
        user = api_user()
        appeal = get_scoped(Appeal, appeal_id, user)
        appeal_service.change_status(user, appeal, data)
        commit()
        return appeal
