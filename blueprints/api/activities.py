"""Activities (SPEC §8): scoped list and detail, creation by representatives and managers, edits,
deletion, review (verify / return), and attachments for mobile clients."""
import sqlalchemy as sa
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.input import Day, Int, partial_of
from blueprints.api.schemas import InputSchema, PageArgs, page_of
from blueprints.api.util import commit, paginate
from blueprints.body_limits import FORM_ALLOWANCE, accepts_upload
from extensions import db
from models import Activity
from models.enums import ActivityStatus, Theme
from services import activities
from services import activities as service
from services.scope import get_scoped, scoped

bp = Blueprint("api_activities", __name__, description="活动")

LOAD = (sa.orm.selectinload(Activity.workers), sa.orm.selectinload(Activity.co_organizers),
        sa.orm.selectinload(Activity.attachments))


class AttachmentSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()


class ActivitySchema(Schema):
    id = fields.Integer()
    home_id = fields.Integer()
    organizer_id = fields.Integer()
    theme = fields.String()
    kind = fields.String()
    title = fields.String()
    date = fields.Date()
    location = fields.String()
    mode = fields.String()
    participants = fields.Integer(allow_none=True)
    summary = fields.String()
    published = fields.Boolean()
    status = fields.String()
    verifier_id = fields.Integer(allow_none=True)
    survey_id = fields.Integer(allow_none=True)
    need_id = fields.Integer(allow_none=True)
    comment = fields.String(attribute="review_comment")
    worker_ids = fields.Method("get_worker_ids")
    co_organizer_ids = fields.Method("get_co_organizer_ids")
    attachments = fields.List(fields.Nested(AttachmentSchema))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()

    def get_worker_ids(self, activity):
        return [w.id for w in activity.workers]

    def get_co_organizer_ids(self, activity):
        return [u.id for u in activity.co_organizers]


class ActivityInputSchema(InputSchema):
    """Types only: the service checks required fields and limits, naming every bad field."""

    theme = fields.String(required=True, metadata={
        "enum": ["party_building", "window", "neighborhood", "innovation"]})
    kind = fields.String(required=True)
    title = fields.String(required=True)
    date = Day(required=True)
    location = fields.String()
    mode = fields.String(required=True, metadata={"enum": ["online", "offline", "hybrid"]})
    participants = Int(allow_none=True)
    summary = fields.String(required=True)
    published = fields.Boolean()
    worker_ids = fields.List(Int())
    co_organizer_ids = fields.List(Int())
    survey_id = Int(allow_none=True, metadata={
        "description": "kind status_survey: the published or closed survey it carried out"})
    need_id = Int(allow_none=True, metadata={
        "description": "The need it serves (SPEC 5.11): dispatched to or assigned in the "
                       "activity's Home; verifying the activity fulfils it"})
    draft = fields.Boolean(metadata={"description": "true: save as draft; false (default): submit"})


class ActivityListArgs(PageArgs):
    """The filters are read as sent and checked by services.activities.require_filters, the one
    validator the pages share: a bad value is 422 naming its field."""

    status = fields.String(metadata={"enum": ActivityStatus.values()})
    theme = fields.String(metadata={"enum": Theme.values()})
    year = fields.Raw(metadata={"type": "integer", "description": "年份（2000年至明年）"})
    home_id = fields.Raw(metadata={"type": "integer"})
    q = fields.String(metadata={"description": "关键词：标题、摘要或组织者姓名中包含的文字"
                                               "（超过50字只取前50字）"})


class ReviewSchema(InputSchema):
    decision = fields.String(required=True, metadata={"enum": ["verify", "return"]})
    comment = fields.String(allow_none=True)


def _load(activity_id):
    return get_scoped(Activity, activity_id, api_user(), options=LOAD)


@bp.route("/activities")
class Activities(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.arguments(ActivityListArgs, location="query")
    @bp.response(200, page_of(ActivitySchema))
    def get(self, args):
        """Activities in the caller's scope, newest first; filters status, theme, year, home_id and
        q (a keyword in the title, summary or organiser's name)."""
        filters = activities.require_filters(args)
        stmt = activities.apply_filters(scoped(Activity, api_user()).options(*LOAD), filters)
        stmt = stmt.order_by(Activity.date.desc(), Activity.id.desc())
        return paginate(stmt, args["page"], args["per_page"], list)

    @bp.doc(security=SECURITY)
    @bp.arguments(ActivityInputSchema())  # an instance: webargs would build one per request
    @bp.response(201, ActivitySchema)
    def post(self, data):
        """Record an activity (representative or manager); submitted unless `draft` is true."""
        activity = service.create_activity(api_user(), data, submit=not data.get("draft", False))
        commit(keep_loaded=True)
        return activity


@bp.route("/activities/<int:activity_id>")
class ActivityDetail(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.response(200, ActivitySchema)
    def get(self, activity_id):
        """One activity in the caller's scope."""
        return _load(activity_id)

    @bp.doc(security=SECURITY)
    @bp.arguments(partial_of(ActivityInputSchema))
    @bp.response(200, ActivitySchema)
    def patch(self, data, activity_id):
        """Edit; `draft: false` submits a draft or returned one, `draft: true` takes it back."""
        activity = _load(activity_id)
        submit = None if "draft" not in data else not data["draft"]
        service.update_activity(api_user(), activity, data, submit=submit)
        commit()
        db.session.expire_all()
        return _load(activity_id)

    @bp.doc(security=SECURITY)
    @bp.response(204)
    def delete(self, activity_id):
        """Delete the activity with its contact records and attachments."""
        service.delete_activity(api_user(), _load(activity_id))
        commit()


@bp.route("/activities/<int:activity_id>/review", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(ReviewSchema)
@bp.response(200, ActivitySchema)
def review(data, activity_id):
    """Verify or return (with a required comment) a submitted activity."""
    activity = _load(activity_id)
    service.review_activity(api_user(), activity, data.get("decision", ""), data.get("comment") or "")
    commit()
    return _load(activity_id)


@bp.route("/activities/<int:activity_id>/attachments", methods=["POST"])
@accepts_upload(service.MAX_PER_ACTIVITY * service.MAX_SIZE + FORM_ALLOWANCE)
@token_required
@bp.doc(security=SECURITY, requestBody={"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["files"], "properties": {"files": {
        "type": "array", "items": {"type": "string", "format": "binary"},
        "description": "jpg/png/pdf，每个不超过10 MB，每个活动最多10个"}}}}}})
@bp.response(201, AttachmentSchema(many=True))
def upload(activity_id):
    """Attach jpg/png/pdf files (checked by content, ≤10 MB each, ≤10 per activity)."""
    activity = _load(activity_id)
    created = service.add_attachments(api_user(), activity, request.files.getlist("files"))
    commit()
    return created


class WithdrawnSchema(Schema):
    activity_id = fields.Integer()
    representative_id = fields.Integer()
    withdrawn = fields.Boolean()


@bp.route("/activities/<int:activity_id>/co-organizers/<int:user_id>", methods=["DELETE"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, WithdrawnSchema)
def withdraw_co_organizer(activity_id, user_id):
    """A co-organiser withdraws from a (joint) activity — themselves, or the manager of their Home,
    or an admin (SPEC §5.12); audited, the organiser is notified. 409 when not a co-organiser."""
    service.withdraw_co_organizer(api_user(), activity_id, user_id)
    commit()
    return {"activity_id": activity_id, "representative_id": user_id, "withdrawn": True}
