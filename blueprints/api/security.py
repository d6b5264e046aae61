"""The security administrator's API (SPEC §8): unlock, reset a second factor, end sessions."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.util import commit
from models import User
from models.enums import Role
from services import accounts
from services.scope import get_scoped, require_role

bp = Blueprint("api_security", __name__, description="账号安全（安全管理员）")


class DoneSchema(Schema):
    id = fields.Integer()
    username = fields.String()


def _act(operation, user_id):
    actor = api_user()
    require_role(actor, Role.SECURITY_ADMIN)
    user = get_scoped(User, user_id, actor)
    operation(actor, user)
    commit()
    return {"id": user.id, "username": user.username}


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, DoneSchema)
def unlock(user_id):
    """Lift the account's lockout."""
    return _act(accounts.unlock_account, user_id)


@bp.route("/users/<int:user_id>/otp/reset", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, DoneSchema)
def otp_reset(user_id):
    """Remove the account's second factor and end its sessions."""
    return _act(accounts.reset_second_factor, user_id)


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, DoneSchema)
def sessions_end(user_id):
    """End every session and token of the account."""
    return _act(accounts.end_user_sessions, user_id)
