"""Anonymous sign-in (SPEC §5.9, §8): POST /public/signin/{code}.

{name, mobile, work_unit?, is_worker, field?} → 201 {attendee_no, activity_title}; the same
normalised mobile again → 200 with the same number; unknown code 404; closed 409 签到已结束;
422 naming bad fields; 429 over SIGNIN_RATE_LIMIT per client address and code. No token is needed.
"""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.schemas import InputSchema
from blueprints.api.util import commit
from services import signin

bp = Blueprint("api_signin_public", __name__, description="活动签到（公众，无需登录）")


class PublicSigninInputSchema(InputSchema):
    name = fields.String(metadata={"description": "姓名，必填，≤ 50"})
    mobile = fields.String(metadata={"description": "手机号，必填；+86、空格、横线、全角数字均可"})
    work_unit = fields.String(allow_none=True, metadata={"description": "工作单位，≤ 100"})
    field = fields.String(allow_none=True, metadata={"description": "从事领域，≤ 100"})
    is_worker = fields.Boolean(allow_none=True, metadata={"description": "我是科技工作者"})
    website = fields.Raw(allow_none=True, metadata={
        "description": "Honeypot: leave empty. When filled the answer looks accepted but nothing "
                       "is stored."})


class PublicSigninSchema(Schema):
    attendee_no = fields.Integer()
    activity_title = fields.String()


@bp.route("/public/signin/<code>", methods=["POST"])
@signin.signin_limit
@bp.arguments(PublicSigninInputSchema)
@bp.response(201, PublicSigninSchema)
@bp.alt_response(200, schema=PublicSigninSchema, description="该手机号已签到：同一序号")
@bp.alt_response(404, description="签到码不存在")
@bp.alt_response(409, description="签到已结束")
def public_signin(data, code):
    """Sign in to an activity with its code (no account)."""
    result = signin.sign_in(code, {k: v for k, v in data.items() if v is not None})
    commit()
    return ({"attendee_no": result.attendee_no, "activity_title": result.activity_title},
            201 if result.created else 200)
