"""POST /tokens: exchange a username, password and (with a second factor) a code for a bearer token.

SPEC §5.13: a wrong password or code is a counted failure (401 `unauthorized`), a locked account
answers 401 `account_locked` with the unlock time, an enrolled factor without `otp` 401
`otp_required`. The answer's `login_notice` tells the owner about failures since the last
successful login (count, last address and time), once, as the login page does. An administrator
who has not enrolled yet gets a token that opens only /me, /me/password and /me/otp*
(blueprints/api/me.py). The per-address limit counts failures only.
"""
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, bearer_token, token_required
from blueprints.api.schemas import InputSchema, TokenUserSchema
from blueprints.api.util import commit
from blueprints.auth.limits import CEILING, login_limit
from extensions import limiter
from services import accounts
from services.errors import Collector, OtpRequired

bp = Blueprint("api_tokens", __name__, description="令牌（登录）")


class TokenRequestSchema(InputSchema):
    username = fields.String(required=True, metadata={
        "example": "admin",
        "description": "用户名；或手机号（仅当恰有一个有效账号登记了该手机号时）"})
    password = fields.String(required=True, metadata={"example": "password-of-12+"})
    otp = fields.String(metadata={"description": "身份验证器中的6位动态验证码，或一个恢复码"
                                                 "（绑定了双因素认证的账号必填）"})


class LoginNoticeSchema(Schema):
    failures = fields.Integer(metadata={"description": "自上次成功登录以来的登录失败次数"})
    last_address = fields.String(allow_none=True,
                                 metadata={"description": "最近一次失败的客户端地址"})
    last_at = fields.DateTime(allow_none=True, metadata={"description": "最近一次失败的时间（UTC）"})


class TokenSchema(Schema):
    token = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(TokenUserSchema)
    login_notice = fields.Nested(LoginNoticeSchema, allow_none=True, metadata={
        "description": "自上次成功登录以来有登录失败时告知账号本人（SPEC §5.13，与网页登录相同，"
                       "只告知一次）；没有失败时为 null"})


def _failed(response) -> bool:
    """Refused logins count against the address; a 503 (the limit store is unreachable) does not."""
    return 400 <= response.status_code < 500


@bp.route("/tokens")
class Tokens(MethodView):
    decorators = [limiter.limit(CEILING, methods=["POST"]),
                  limiter.limit(login_limit, methods=["POST"], deduct_when=_failed)]

    @bp.arguments(TokenRequestSchema)
    @bp.response(201, TokenSchema)
    @bp.alt_response(401, description="用户名或密码错误（unauthorized）、缺少动态验证码（otp_required）"
                                      "或账号已锁定（account_locked）")
    @bp.alt_response(422, description="缺少用户名或密码")
    @bp.alt_response(429, description="请求过于频繁")
    def post(self, data):
        """Issue a token for valid credentials (the same 401 for unknown user and wrong password)."""
        errors = Collector()
        for field, label in (("username", "用户名"), ("password", "密码")):
            errors.check(bool((data.get(field) or "").strip()), field, f"请填写{label}")
        errors.raise_if_any()
        address = request.remote_addr or ""
        user = accounts.check_credentials(data["username"], data["password"], address,
                                          channel="api")
        how = "password"
        if accounts.asks_code(user):
            if not str(data.get("otp") or "").strip():
                raise OtpRequired()
            accounts.verify_code(user, data["otp"], address)
            how = "password+otp"
        notice = accounts.finish_login(user, address, how=how, channel="api")
        raw, token = accounts.issue_token(user)
        commit(keep_loaded=True)
        return {"token": raw, "expires_at": token.expires_at, "user": user,
                "login_notice": notice.as_dict() if notice is not None else None}

    @bp.response(204)
    @bp.doc(security=SECURITY)
    @token_required
    def delete(self):
        """Revoke the token used for this request (logout)."""
        accounts.revoke_token(bearer_token(), api_user())
        commit()
