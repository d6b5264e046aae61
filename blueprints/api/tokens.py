"""POST /tokens: exchange a username and password for a bearer token (rate limited)."""
from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, Unauthorized, api_user, bearer_token, token_required
from blueprints.api.schemas import InputSchema, TokenUserSchema
from blueprints.api.util import commit
from extensions import limiter
from services import accounts
from services.errors import Collector

bp = Blueprint("api_tokens", __name__, description="令牌（登录）")


class TokenRequestSchema(InputSchema):
    username = fields.String(required=True, metadata={"example": "admin"})
    password = fields.String(required=True, metadata={"example": "password-of-12+"})


class TokenSchema(Schema):
    token = fields.String()
    expires_at = fields.DateTime()
    user = fields.Nested(TokenUserSchema)


def _username_key():
    data = request.get_json(silent=True)
    name = data.get("username") if isinstance(data, dict) else None
    return f"api-login:{str(name or '').strip().lower()}"


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/tokens")
class Tokens(MethodView):
    decorators = [
        limiter.limit(_login_limit, methods=["POST"]),
        limiter.limit(_login_limit, key_func=_username_key, methods=["POST"]),
    ]

    @bp.arguments(TokenRequestSchema)
    @bp.response(201, TokenSchema)
    @bp.alt_response(401, description="用户名或密码错误")
    @bp.alt_response(422, description="缺少用户名或密码")
    @bp.alt_response(429, description="请求过于频繁")
    def post(self, data):
        """Issue a token for valid credentials (the same 401 for unknown user and wrong password)."""
        errors = Collector()
        for field, label in (("username", "用户名"), ("password", "密码")):
            errors.check(bool((data.get(field) or "").strip()), field, f"请填写{label}")
        errors.raise_if_any()
        user = accounts.authenticate(data["username"], data["password"], channel="api")
        if user is None:
            commit()  # the audit entry of the failed login (SPEC §5.13)
            raise Unauthorized("用户名或密码错误")
        raw, token = accounts.issue_token(user)
        commit()
        return {"token": raw, "expires_at": token.expires_at, "user": user}

    @bp.response(204)
    @bp.doc(security=SECURITY)
    @token_required
    def delete(self):
        """Revoke the token used for this request (logout)."""
        accounts.revoke_token(bearer_token(), api_user())
        commit()
