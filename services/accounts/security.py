"""The security administrator's work (安全管理员, SPEC §5.13) besides unlocking (lockout.py) and
resetting a second factor (second_factor.py): end a user's sessions, read the security settings.
Each is audited; everyone else 403."""
from flask import current_app

from models import User
from models.enums import Role
from services import audit
from services.accounts import sessions
from services.errors import Conflict
from services.scope import require_role

#: The settings the security administrator reads, with the default each has when unset.
SECURITY_SETTINGS = (
    ("SECOND_FACTOR", "第二因素（TOTP）", "required"),
    ("PASSWORD_MAX_AGE_DAYS", "密码最长使用天数", 90),
    ("LOGIN_LOCKOUT_FAILURES", "锁定前允许的连续失败次数", 5),
    ("LOGIN_LOCKOUT_MINUTES", "锁定时长（分钟）", 15),
    ("IDLE_TIMEOUT_MINUTES", "会话空闲超时（分钟）", 30),
    ("SESSION_MAX_HOURS", "会话最长时长（小时）", 12),
    ("TOKEN_TTL_HOURS", "API 令牌有效期（小时）", None),
    ("LOGIN_RATE_LIMIT", "登录失败频率限制（每个来源地址）", None),
    ("PROXY_FIX_X_FOR", "可信反向代理层数", 0),
    ("SESSION_COOKIE_SECURE", "Cookie 仅经 HTTPS 发送", False),
)


def _require_security_admin(actor: User, user: User) -> None:
    require_role(actor, Role.SECURITY_ADMIN)
    if user.id == actor.id:
        raise Conflict("不能对自己的账号执行此操作")


def end_user_sessions(actor: User, user: User) -> User:
    """End every browser session, remember cookie and API token of `user` (security administrator
    only; 409 on oneself); audited as `sessions_ended`."""
    _require_security_admin(actor, user)
    sessions.end_all_sessions(user)
    audit.record(actor, "sessions_ended", object_type="users", object_id=user.id,
                 detail={"username": user.username})
    return user


def security_settings(actor: User) -> list[tuple[str, str, object]]:
    """(setting, label, value in force) of each security setting (security administrator only)."""
    require_role(actor, Role.SECURITY_ADMIN)
    config = current_app.config
    return [(key, label, config.get(key, default)) for key, label, default in SECURITY_SETTINGS]
