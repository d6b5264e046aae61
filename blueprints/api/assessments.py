"""Annual assessments (年度考核): admins create and run them; published ones are public (SPEC §8)."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, Unauthorized, api_user, bearer_token, token_required
from blueprints.api.openapi import OPTIONAL_AUTH
from blueprints.api.schemas import InputSchema
from blueprints.api.util import commit
from models import Assessment
from services import assessments as service
from services.scope import get_scoped

bp = Blueprint("api_assessments", __name__, description="年度考核")


class ItemSchema(Schema):
    code = fields.String()
    label = fields.String()
    max = fields.Float(attribute="max_score")
    auto_score = fields.Float()
    score = fields.Float()
    override_score = fields.Float(allow_none=True)
    reason = fields.String()


class AssessmentSchema(Schema):
    id = fields.Integer()
    home_id = fields.Integer()
    year = fields.Integer()
    status = fields.String()
    items = fields.List(fields.Nested(ItemSchema))
    total = fields.Float()
    grade = fields.String(allow_none=True)
    publicity_start = fields.Date(allow_none=True)
    publicity_end = fields.Date(allow_none=True)
    effects_applied_on = fields.Date(allow_none=True)


class CreateInputSchema(InputSchema):
    home_id = fields.Raw(required=True)
    year = fields.Raw(required=True)


class PublishInputSchema(InputSchema):
    start = fields.Raw(allow_none=True)
    days = fields.Raw(allow_none=True)


class OverrideInputSchema(InputSchema):
    score = fields.Raw(required=True, allow_none=True)
    reason = fields.Raw(required=True, allow_none=True)


def _get(assessment_id) -> Assessment:
    return get_scoped(Assessment, assessment_id, api_user())


@bp.route("/assessments", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(CreateInputSchema)
@bp.response(201, AssessmentSchema)
def create(data):
    """A draft assessment with its automatic items (admin); 409 when the Home has one that year."""
    a = service.create_assessment(api_user(), data.get("home_id"), data.get("year"))
    commit()
    return a


@bp.route("/assessments/<int:assessment_id>")
@bp.doc(security=OPTIONAL_AUTH)
@bp.response(200, AssessmentSchema)
def detail(assessment_id):
    """One assessment: scoped; anonymous callers see published ones only (others: 404)."""
    if bearer_token() is not None and api_user() is None:
        raise Unauthorized()
    return _get(assessment_id)


@bp.route("/assessments/<int:assessment_id>/recompute", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, AssessmentSchema)
def recompute(assessment_id):
    """Recompute a draft's automatic items, keeping overrides."""
    a = service.recompute_assessment(api_user(), _get(assessment_id))
    commit()
    return a


@bp.route("/assessments/<int:assessment_id>/finalize", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, AssessmentSchema)
def finalize(assessment_id):
    """Draft → final (the grade is fixed)."""
    a = service.finalize_assessment(api_user(), _get(assessment_id))
    commit()
    return a


@bp.route("/assessments/<int:assessment_id>/publish", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(PublishInputSchema)
@bp.response(200, AssessmentSchema)
def publish(data, assessment_id):
    """Final → published; the window runs from `start` (default today) for `days` days
    (default PUBLICITY_DAYS); publicity_end is its last day, inclusive."""
    a = service.publish_assessment(api_user(), _get(assessment_id), data.get("start"), data.get("days"))
    commit()
    return a


@bp.route("/assessments/<int:assessment_id>/items/<code>", methods=["PATCH"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(OverrideInputSchema)
@bp.response(200, AssessmentSchema)
def override(data, assessment_id, code):
    """Override an item: score in [0, max] and a non-empty reason (draft only)."""
    a = service.override_item(api_user(), _get(assessment_id), code, data.get("score"),
                              data.get("reason"))
    commit()
    return a
