"""GET /me: the user of the token; POST /me/password: set one's own password; POST /me/otp and
/me/otp/confirm: enrol a second factor (SPEC §8, §5.13).

An account that must still set its password (an activation code, SPEC §5.8, or an aged password)
may call only /me, /me/password, /me/otp* and DELETE /tokens: every other call answers 403
`password_expired`. An administrator without an enrolled factor likewise gets 403
`otp_enrollment_required` until they enrol.
"""
import hashlib

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, bearer_token, load_api_user, token_required
from blueprints.api.schemas import InputSchema, UserSchema
from blueprints.api.util import commit
from extensions import limiter
from services import accounts
from services.errors import OtpEnrollmentRequired, PasswordExpired

bp = Blueprint("api_me", __name__, description="当前用户")

_OPEN_WHILE_MUST_CHANGE = {"/api/v1/me", "/api/v1/me/password", "/api/v1/tokens",
                           "/api/v1/openapi.json", "/api/v1/me/otp", "/api/v1/me/otp/confirm"}


@bp.before_app_request
def must_set_password_first():
    """403 `password_expired` for a login that must set its password, 403 `otp_enrollment_required`
    for one that must enrol a second factor, on anything but /me, /me/password, /me/otp* and /tokens."""
    if not request.path.startswith("/api/v1/") or request.path in _OPEN_WHILE_MUST_CHANGE:
        return None
    user = load_api_user() if request.headers.get("Authorization") else None
    if user is None:
        return None
    if user.must_change_password:
        raise PasswordExpired("须先设置自己的密码：POST /api/v1/me/password")
    if accounts.must_enrol(user):
        raise OtpEnrollmentRequired()
    return None


class PasswordChangeSchema(InputSchema):
    current_password = fields.String(metadata={"description": "当前密码，或激活码"})
    new_password = fields.String(metadata={"description": "新密码，至少12个字符"})


class NewTokenSchema(Schema):
    token = fields.String()
    expires_at = fields.DateTime()


class MeSchema(UserSchema):
    public_code = fields.Method("get_public_code", allow_none=True, metadata={
        "description": "A representative's 代表码 (SPEC 5.5): the public page is /r/{public_code}; "
                       "null for other roles."})

    def get_public_code(self, user):
        return user.public_code if user.is_representative else None


@bp.route("/me")
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, MeSchema)
def me():
    """The signed-in user, with must_change_password."""
    return api_user()


def _password_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _password_key():
    """Per token (hashed: no token ends up in the limiter's storage)."""
    return "me-password:" + hashlib.sha256((bearer_token() or "").encode()).hexdigest()[:32]


@bp.route("/me/password", methods=["POST"])
@limiter.limit(_password_limit, key_func=_password_key)
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(PasswordChangeSchema)
@bp.response(200, NewTokenSchema)
@bp.alt_response(422, description="当前密码（或激活码）不正确，或新密码不符合要求")
def change_password(data):
    """Set a new password (the activation code counts as the current one): a new token is answered
    and every other session and token of the user ends."""
    user = api_user()
    accounts.set_own_password(user, data.get("current_password"), data.get("new_password"),
                              address=request.remote_addr or "")
    accounts.end_sessions(user)
    raw, token = accounts.issue_token(user)
    commit(keep_loaded=True)
    return {"token": raw, "expires_at": token.expires_at}


class OtpBeginSchema(InputSchema):
    otp = fields.String(metadata={"description": "重新绑定时：当前身份验证器中的动态验证码"})


class OtpSecretSchema(Schema):
    secret = fields.String()
    otpauth_uri = fields.String()


class OtpConfirmSchema(InputSchema):
    otp = fields.String(required=True, metadata={"description": "新密钥生成的6位动态验证码"})


class RecoveryCodesSchema(Schema):
    recovery_codes = fields.List(fields.String(), metadata={"description": "10个恢复码，只显示这一次"})


@bp.route("/me/otp", methods=["POST"])
@limiter.limit(_password_limit, key_func=_password_key)
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(OtpBeginSchema)
@bp.response(200, OtpSecretSchema)
@bp.alt_response(422, description="重新绑定而未填写当前动态验证码")
def begin_otp(data):
    """A new TOTP secret and its otpauth URI (for the QR code), pending until confirmed; enrolling
    again needs `otp`, a current code of the factor in use."""
    answer = accounts.begin_enrolment(api_user(), data.get("otp"), request.remote_addr or "")
    commit(keep_loaded=True)
    return answer


@bp.route("/me/otp/confirm", methods=["POST"])
@limiter.limit(_password_limit, key_func=_password_key)
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(OtpConfirmSchema)
@bp.response(200, RecoveryCodesSchema)
@bp.alt_response(422, description="动态验证码不正确，或尚未生成密钥")
def confirm_otp(data):
    """Confirm the pending secret with one of its codes: it becomes the second factor; answers the
    10 recovery codes (only their digests are kept)."""
    codes = accounts.confirm_enrolment(api_user(), data.get("otp"))
    commit(keep_loaded=True)
    return {"recovery_codes": codes}
