"""The account lifecycle: first password, resets with an activation code, edits, moves, forgotten passwords.

- Setting one's own password: the current password or the activation code counts as current; the
  code is consumed, `must_change_password` cleared, and every other session and token ends.
- A reset (the admin for anyone, a manager for their Home's representatives) replaces the password
  by a new activation code, shown once, and ends that user's sessions and tokens.
- Edits of name, mobile, e-mail, level and work unit by the same people; the admin moves a
  representative to another Home (activities stay with the Home that verified them, the person's
  workers and contact records follow the person — they hang on the user, not on the Home).
- 忘记密码 by e-mail: a signed link that expires (RESET_LINK_HOURS) and is single use, because it
  carries a fingerprint of the password hash it replaces.
"""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from extensions import db
from models import Home, User
from models.enums import Level, Role
from services import audit, summaries
from services import validation as v
from services.accounts import activation, lockout, sessions, users
from services.accounts.passwords import password_problems, store_password
from services.accounts.users import check_current_password
from services.concurrency import lock
from services.errors import Collector, Conflict, Forbidden, NotFound, ValidationFailed
from services.scope import get_scoped, require_role

EDITABLE = ("name", "mobile", "email", "level", "work_unit")


def end_sessions(user: User, **keep) -> None:
    """End every browser session, remember cookie and API token of the user but those named
    (services.accounts.sessions.end_all_sessions: keep_session, keep_token)."""
    sessions.end_all_sessions(user, **keep)


USED = "密码或激活码已被另一次操作使用，请使用新密码登录"


def _claim(user: User) -> User:
    """Lock the user's row before a single-use credential is spent, and refuse (409) when another
    request changed the password or activation code while this one waited: of concurrent uses of
    one code or link exactly one sets a password."""
    seen = (user.password_hash, user.activation_code_hash)
    user = lock(user)
    if (user.password_hash, user.activation_code_hash) != seen:
        raise Conflict(USED)
    return user


def set_own_password(user: User, current: str, new: str, *, address: str = "") -> None:
    """Change one's own password; the unexpired activation code counts as the current password.

    The current-password check counts as a login (a wrong one is a counted failure, refused while
    locked); the new password obeys SPEC §5.13. Raises ValidationFailed naming `current_password` /
    `new_password`; Conflict when a concurrent request spent the code or changed the password
    first (the user's row is locked before the check). Ends all other sessions and tokens of the
    user (the caller issues the one it keeps).
    """
    user = _claim(user)
    by_code = activation.matches(user, current)
    check_current_password(user, current, address, by_code=by_code)
    problems = password_problems(new, user=user)
    if problems:
        raise ValidationFailed({"new_password": problems})
    _store(user, new, "activation_code" if by_code else "current_password")


def set_first_password(user: User, new: str) -> None:
    """The first password of an account signed in with its activation code, or the new one of an
    aged password (no current asked: the login just checked it).

    Conflict when the account already has its own password (also when a concurrent request set it
    first: the user's row is locked before the check); ValidationFailed naming `new_password`."""
    user = _claim(user)
    if not user.must_change_password:
        raise Conflict("您的账号已设置密码，请在“我的账号”中修改")
    problems = password_problems(new, user=user)
    if problems:
        raise ValidationFailed({"new_password": problems})
    _store(user, new, "activation_code" if user.activation_code_hash else "current_password")


def _store(user: User, new: str, proof: str) -> None:
    store_password(user, new)
    activation.consume(user)
    audit.record(user, "password_changed", user, after={"password": "set"}, detail={"by": proof})


def require_manageable(actor: User, user: User) -> None:
    """The office manages business accounts, the system administrator administrator accounts
    (SPEC §5.13); managers only their Home's representatives (403 otherwise)."""
    require_role(actor, Role.PROVINCIAL_ADMIN, Role.HOME_MANAGER, Role.SYSTEM_ADMIN)
    if actor.role != Role.HOME_MANAGER:
        users.require_account_keeper(actor, user.role)
    if actor.role == Role.HOME_MANAGER and (user.role != Role.REPRESENTATIVE
                                            or user.home_id != actor.scope_home_id):
        raise Forbidden("只能管理本代表之家代表的账号")


def reset_with_code(actor: User, user: User) -> str:
    """Replace the user's password by a new activation code (returned once, never stored in clear)
    and end all their sessions and tokens. Resetting one's own account is refused (409)."""
    require_manageable(actor, user)
    if user.id == actor.id:
        raise Conflict("不能重置自己的密码，请在“我的账号”中修改")
    code = activation.new_code()
    activation.assign(user, code)
    lockout.clear_lock(user)  # the owner unlocks with the new code (SPEC §5.13)
    end_sessions(user)
    audit.record(actor, "password_reset", user, after={"password": "reset",
                                                       "activation_expires_at":
                                                       user.activation_expires_at.isoformat()})
    return code


def update_account(actor: User, user: User, data: dict) -> User:
    """Edit name, mobile, e-mail, level (representatives) and work unit; absent fields keep theirs."""
    require_manageable(actor, user)
    merged = {f: getattr(user, f) for f in EDITABLE}
    merged["level"] = user.level.value if user.level else None
    merged.update({k: data[k] for k in EDITABLE if k in data})
    errors = Collector()
    values = {"name": v.text(errors, merged, "name", "姓名", max_len=50),
              "mobile": v.mobile(errors, merged), "email": v.email(errors, merged),
              "work_unit": v.text(errors, merged, "work_unit", "工作单位", required=False,
                                  max_len=100)}
    if user.role == Role.REPRESENTATIVE:
        values["level"] = v.choice(errors, merged, "level", "代表层级", Level)
    errors.raise_if_any()
    before = audit.snapshot(user)
    for key, value in values.items():
        setattr(user, key, value)
    audit.record(actor, "update", user, before=before)
    return user


def move_representative(actor: User, user: User, home_id) -> User:
    """Move a representative to another Home (admins only). Activities stay with their Home."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    user = lock(user)  # two moves of one representative: the second starts from the first's Home
    if user.role != Role.REPRESENTATIVE:
        raise Conflict("只有代表可以调整所属代表之家", {"home_id": ["只有代表可以调整所属代表之家"]})
    errors = Collector()
    target_id = v.integer(errors, {"home_id": home_id}, "home_id", "代表之家", minimum=1)
    errors.raise_if_any()
    target = db.session.get(Home, target_id)
    if target is None:
        raise ValidationFailed({"home_id": ["代表之家不存在"]})
    if target.id == user.home_id:
        raise Conflict("该代表已在此代表之家", {"home_id": ["该代表已在此代表之家"]})
    before = audit.snapshot(user)
    counted = summaries.representative_home(user)
    user.home_id = target.id
    summaries.representatives_changed([(user.id, counted, summaries.representative_home(user))])
    audit.record(actor, "move", user, before=before)
    return user


def manageable_user(actor: User, user_id) -> User:
    """A user the actor may see (404 otherwise)."""
    return get_scoped(User, user_id, actor)


# ---------------------------------------------------------------- 忘记密码
def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _fingerprint(user: User) -> str:
    """Changes whenever the password (or activation code) changes: a used link stops working."""
    material = f"{user.password_hash}|{user.activation_code_hash or ''}"
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def reset_link_token(user: User) -> str:
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    """The user of an unexpired, unused link; NotFound otherwise (expired, used, forged)."""
    hours = current_app.config.get("RESET_LINK_HOURS", 2)
    try:
        data = _serializer().loads(token, max_age=hours * 3600)
    except (SignatureExpired, BadSignature):
        raise NotFound("链接无效或已过期，请重新申请") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("f") != _fingerprint(user):
        raise NotFound("链接无效或已过期，请重新申请")
    return user


def reset_by_link(token: str, new: str) -> User:
    """Set a new password through a 忘记密码 link (SPEC §5.13 rules; it also lifts a lockout);
    ends every session and token of the user.

    NotFound for an expired, used or forged link; Conflict when a concurrent use of the same link
    set the password first (the user's row is locked before the fingerprint is checked again)."""
    user = _claim(user_for_reset_token(token))
    problems = password_problems(new, user=user)
    if problems:
        raise ValidationFailed({"new_password": problems})
    _store(user, new, "reset_by_link")
    lockout.clear_lock(user)  # the owner unlocks through the link (SPEC §5.13)
    end_sessions(user)
    return user


def find_for_forgotten(identifier: str) -> User | None:
    """The active account with this username or e-mail that has an e-mail, or None."""
    import sqlalchemy as sa
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    return db.session.scalar(sa.select(User).where(
        User.active.is_(True), User.email != "",
        sa.or_(sa.func.lower(User.username) == identifier.lower(),
               sa.func.lower(User.email) == identifier.lower())).order_by(User.id).limit(1))
