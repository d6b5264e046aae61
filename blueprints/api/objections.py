"""公示异议 API (SPEC §5.6, §8).

POST /assessments/{id}/objections — anonymous (a token, if sent, is ignored): 201 with the
receipt, 404 when the
assessment is not published, 409 outside the publicity window, 422 naming bad fields, 429 over
PUBLIC_APPEAL_RATE_LIMIT per address and assessment.
GET /public/objections/{receipt} — anonymous: {status, filed_on, decision, response} or 404.
GET /assessments/{id}/objections and POST /objections/{id}/decision — provincial admins (401
without a token, 403 for other roles, 404 for an unknown id); a second decision answers 409.
"""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, Unauthorized, load_api_user
from blueprints.api.schemas import InputSchema, PageArgs, page_of
from blueprints.api.util import commit, paginate
from services import appeals
from services import assessments as service
from services.appeals import objection_limit

bp = Blueprint("api_objections", __name__, description="公示异议")


class ObjectionInputSchema(InputSchema):
    name = fields.Raw(metadata={"type": "string", "description": "1–50 characters."})
    contact = fields.Raw(metadata={"type": "string", "description": "1–100 characters."})
    text = fields.Raw(metadata={"type": "string", "description": "1–2000 characters."})


class DecisionInputSchema(InputSchema):
    decision = fields.Raw(metadata={"type": "string", "enum": ["uphold", "dismiss"]})
    response = fields.Raw(metadata={"type": "string", "description": "Required, ≤ 5000."})


class FiledSchema(Schema):
    id = fields.Integer()
    assessment_id = fields.Integer()
    filed_at = fields.DateTime()
    receipt = fields.String(metadata={
        "description": "查询码：GET /public/objections/{receipt} 与页面 /track 凭此查看处理结果"})


class PublicObjectionSchema(Schema):
    status = fields.String(metadata={"enum": ["received", "decided"]})
    filed_on = fields.Date()
    decision = fields.String(allow_none=True, metadata={"enum": ["uphold", "dismiss", None]})
    response = fields.String()


class ObjectionSchema(Schema):
    id = fields.Integer()
    assessment_id = fields.Integer()
    name = fields.String()
    contact = fields.String()
    text = fields.String()
    filed_at = fields.DateTime()
    decision = fields.String(allow_none=True, metadata={"enum": ["uphold", "dismiss", None]})
    response = fields.String()
    decided_by_id = fields.Integer(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)


def _admin():
    """The caller (401 without a valid token); the service checks the role (403)."""
    user = load_api_user()
    if user is None:
        raise Unauthorized()
    return user


@bp.route("/assessments/<int:assessment_id>/objections")
class Objections(MethodView):
    decorators = [objection_limit]

    @bp.arguments(ObjectionInputSchema)
    @bp.response(201, FiledSchema)
    @bp.alt_response(404, description="考核结果未公示")
    @bp.alt_response(409, description="不在公示期内")
    @bp.alt_response(422, description="输入有误")
    @bp.alt_response(429, description="请求过于频繁")
    def post(self, data, assessment_id):
        """File an objection to a published result during its publicity window (anyone)."""
        objection = service.file_objection(assessment_id, data)
        commit()
        return objection

    @bp.doc(security=SECURITY)
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, page_of(ObjectionSchema))
    def get(self, args, assessment_id):
        """The assessment's objections, oldest first (provincial admins)."""
        stmt = service.objections_for_assessment(_admin(), assessment_id)
        return paginate(stmt, args["page"], args["per_page"], list)


@bp.route("/objections/<int:objection_id>/decision", methods=["POST"])
@bp.doc(security=SECURITY)
@bp.arguments(DecisionInputSchema)
@bp.response(200, ObjectionSchema)
@bp.alt_response(409, description="异议已处理")
def decision(data, objection_id):
    """Uphold (withdraws the result; the assessment returns to draft) or dismiss, with a response."""
    user = _admin()
    objection = service.decide_objection(user, service.get_objection(user, objection_id), data)
    commit()
    return objection


@bp.route("/public/objections/<receipt>")
@bp.response(200, PublicObjectionSchema)
@bp.alt_response(404, description="查询码不存在")
@bp.alt_response(429, description="查询过于频繁（RECEIPT_LOOKUP_RATE_LIMIT，按来源地址）")
@appeals.receipt_limit
def public_objection(receipt):
    """What an objection's receipt shows (anyone): status, filing date and, once decided, the
    decision and the response — nothing else (SPEC §5.6)."""
    return service.objection_public_view(service.track_objection(receipt))
