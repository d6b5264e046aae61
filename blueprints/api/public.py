"""Anonymous 代表码 API (SPEC §5.5, §8): leave an appeal with a representative, follow it by receipt.

POST /public/representatives/{code}/appeals → 201 {receipt}; 404 for an unknown or deactivated
representative's code; 422 naming bad fields; 429 over PUBLIC_APPEAL_RATE_LIMIT per address and code.
GET /public/appeals/{receipt} → {category, status, received_on, resolved_on, response} or 404.
No token is needed (a token, if sent, is ignored).
"""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.schemas import InputSchema
from blueprints.api.util import commit
from services import appeals
from services.appeals import appeal_limit

bp = Blueprint("api_public", __name__, description="代表码（公众，无需登录）")


class PublicAppealInputSchema(InputSchema):
    category = fields.String(metadata={"enum": ["research_funding", "talent_evaluation", "career",
                                                "work_conditions", "policy", "other"]})
    content = fields.String(metadata={"description": "1–5000 characters."})
    name = fields.String(allow_none=True, metadata={"description": "Optional, ≤ 50."})
    contact = fields.String(allow_none=True, metadata={"description": "Optional, ≤ 100."})
    website = fields.Raw(allow_none=True, metadata={
        "description": "Honeypot: leave empty. When filled the answer looks accepted but nothing "
                       "is stored."})


class ReceiptSchema(Schema):
    receipt = fields.String(metadata={"description": "Random receipt code (≥ 10 characters)."})


class PublicAppealSchema(Schema):
    category = fields.String()
    status = fields.String(metadata={"enum": ["received", "forwarded", "resolved", "closed"]})
    received_on = fields.Date()
    resolved_on = fields.Date(allow_none=True)
    response = fields.String()


@bp.route("/public/representatives/<code>/appeals")
class PublicAppeals(MethodView):
    decorators = [appeal_limit]

    @bp.arguments(PublicAppealInputSchema)
    @bp.response(201, ReceiptSchema)
    @bp.alt_response(404, description="代表码不存在或代表已停用")
    @bp.alt_response(422, description="输入有误")
    @bp.alt_response(429, description="请求过于频繁")
    def post(self, data, code):
        """Leave an appeal or suggestion with the representative of this code (no account)."""
        rep = appeals.representative_by_code(code)
        receipt = appeals.submit_public_appeal(rep, {k: v for k, v in data.items() if v is not None})
        commit()
        return {"receipt": receipt}


@bp.route("/public/appeals/<receipt>")
@bp.response(200, PublicAppealSchema)
@bp.alt_response(404, description="查询码不存在")
@bp.alt_response(429, description="查询过于频繁（RECEIPT_LOOKUP_RATE_LIMIT，按来源地址）")
@appeals.receipt_limit
def public_appeal(receipt):
    """What a receipt shows: the appeal's category, status, dates and response only."""
    return appeals.public_view(appeals.track_appeal(receipt))
