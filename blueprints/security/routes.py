"""Accounts with their lock state and the security administrator's actions; the settings in force."""
import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.decorators import roles_required
from blueprints.security import bp
from blueprints.web import commit_operation, keyset_pager
from models import User
from models.base import utcnow
from models.enums import Role
from services import accounts, clock
from services.scope import get_scoped, scoped

SECURITY = Role.SECURITY_ADMIN
PER_PAGE = 50
ACTIONS = {
    "unlock": (accounts.unlock_account, "已解除锁定"),
    "otp-reset": (accounts.reset_second_factor, "已重置第二因素，该用户的会话均已结束"),
    "sessions-end": (accounts.end_user_sessions, "已结束该用户的全部会话和令牌"),
}


@bp.route("/users")
@roles_required(SECURITY)
def users():
    """Every account with its lock state, filtered by a search on name or username and, with
    `locked=1`, to the accounts locked now (where the 待办 entry links)."""
    stmt = scoped(User, current_user)
    q = request.args.get("q", "").strip()[:64]
    if q:
        stmt = stmt.where(sa.or_(User.username.ilike(f"%{q}%"), User.name.ilike(f"%{q}%")))
    locked, now = request.args.get("locked") == "1", utcnow()
    if locked:
        stmt = stmt.where(User.locked_until > now)
    page = keyset_pager(stmt.order_by(User.id), PER_PAGE)
    return render_template("security/users.html", page=page, q=q, locked=locked, now=now,
                           local=clock.local)


@bp.route("/users/<int:user_id>/<any('unlock', 'otp-reset', 'sessions-end'):action>",
          methods=["POST"])
@roles_required(SECURITY)
def user_action(user_id, action):
    """Unlock, reset the second factor of, or end the sessions of one account."""
    user = get_scoped(User, user_id, current_user)
    operation, message = ACTIONS[action]
    commit_operation(lambda: operation(current_user, user), failure="未能执行：",
                     success=f"{user.username}：{message}")
    return redirect(url_for("security.users", q=request.args.get("q", ""),
                            locked=request.args.get("locked") or None))


@bp.route("/settings")
@roles_required(SECURITY)
def settings():
    """The security settings in force (read only: they come from the environment)."""
    return render_template("security/settings.html",
                           settings=accounts.security_settings(current_user))
