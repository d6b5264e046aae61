"""User accounts: creation by role, deactivation, password changes and login checks."""
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from models import Home, Unit, User
from models.enums import ADMINISTRATOR_ACCOUNT_ROLES, Level, Role
from services import audit, summaries
from services import validation as v
from services.accounts import sessions
from services.concurrency import lock
from services.errors import Collector, Conflict, Forbidden, NotFound, ValidationFailed
from services.scope import require_role


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real hash, so that an unknown username costs the same time as a wrong password."""
    return generate_password_hash("not-a-real-password")


def password_problems(password) -> list[str]:
    """Why a password is not acceptable (OWASP ASVS 2.1.1: at least 12 characters)."""
    minimum = current_app.config.get("PASSWORD_MIN_LENGTH", 12)
    if not isinstance(password, str) or len(password) < minimum:
        return [f"密码至少需要{minimum}个字符"]
    if len(password) > 128:
        return ["密码不能超过128个字符"]
    return []


def find_by_username(username: str) -> User | None:
    """The user with this username, ignoring case (usernames are unique ignoring case)."""
    username = (username or "").strip() if isinstance(username, str) else ""
    if not username:
        return None
    return db.session.scalar(sa.select(User).where(
        sa.func.lower(User.username) == username.lower()))


def authenticate(username: str, password: str, *, channel: str = "web") -> User | None:
    """The active user with these credentials, or None — the same for unknown and wrong.
    The username is matched ignoring case.

    Every attempt is audited (SPEC §5.13): `login_success` with the user as actor, or
    `login_failure` with the username tried and the reason (unknown_user, inactive,
    wrong_password); channel is "web" or "api". The caller commits in both cases — a failure
    changes nothing else, but its entry must stay.
    """
    user = find_by_username(username)
    tried = str(username or "")[:64]
    if user is None:
        check_password_hash(_dummy_hash(), password or "")
        return _failed(None, tried, "unknown_user", channel)
    if not user.active:
        return _failed(user, tried, "inactive", channel)
    # An imported or reset account signs in with its activation code (SPEC §5.8).
    from services.accounts import activation
    if not (user.check_password(password or "") or activation.matches(user, password)):
        return _failed(user, tried, "wrong_password", channel)
    audit.record(user, "login_success", user, after=None, detail={"channel": channel})
    return user


def _failed(user: User | None, tried: str, reason: str, channel: str) -> None:
    """Audit a failed login: no actor; the account tried (when it exists) as the object."""
    audit.record(None, "login_failure", object_type="users", object_id=getattr(user, "id", None),
                 result=audit.FAILURE,
                 detail={"username": tried, "reason": reason, "channel": channel})
    return None


def _check_username_free(username: str) -> None:
    """Conflict naming `username` when it is taken, ignoring case (uq_users_username_lower holds
    the same rule for requests that race past this check)."""
    if find_by_username(username) is not None:
        raise Conflict("用户名已存在（用户名不区分大小写）",
                       {"username": ["用户名已存在（用户名不区分大小写）"]})


def require_account_keeper(actor: User, role) -> None:
    """Who keeps an account of `role` (SPEC §5.13, 三员分立): the system administrator every
    administrator account (the office and the three), the office the business accounts (home
    managers, representatives). Anything else is Forbidden (403) — checked before the body is
    validated. A role that is not one is left to validation."""
    try:
        role = Role(role)
    except ValueError:
        return
    if role in ADMINISTRATOR_ACCOUNT_ROLES:
        if actor.role != Role.SYSTEM_ADMIN:
            raise Forbidden("管理员账号由系统管理员创建和维护（三员分立）")
    elif actor.role == Role.SYSTEM_ADMIN:
        raise Forbidden("业务账号由省科协办公室维护，系统管理员不办理业务（三员分立）")


def create_user(actor: User | None, data: dict) -> User:
    """Create an account. The office creates business accounts (home managers, representatives),
    the system administrator administrator accounts (SPEC §5.13); managers only representatives
    of their own Home. The actor's right to the requested role is checked before validation.

    `actor` None means the command line (an operator with shell access).
    """
    if actor is not None:
        require_role(actor, Role.PROVINCIAL_ADMIN, Role.HOME_MANAGER, Role.SYSTEM_ADMIN)
        if actor.role != Role.HOME_MANAGER:
            require_account_keeper(actor, data.get("role") if isinstance(data, dict) else None)
    errors = Collector()
    username = v.text(errors, data, "username", "用户名", max_len=64)
    if username and not v.USERNAME_RE.match(username):
        errors.add("username", "用户名只能包含字母、数字、下划线、点和短横线，3到64位")
    password = data.get("password")
    for problem in password_problems(password):
        errors.add("password", problem)
    name = v.text(errors, data, "name", "姓名", max_len=50)
    role = v.choice(errors, data, "role", "角色", Role)
    mobile = v.mobile(errors, data)
    email = v.email(errors, data)
    work_unit = v.text(errors, data, "work_unit", "工作单位", required=False, max_len=100)
    speciality = v.text(errors, data, "speciality", "专业特长", required=False, max_len=100)

    unit_id = home_id = level = None
    if actor is not None and actor.role == Role.HOME_MANAGER:
        if role is not None and role != Role.REPRESENTATIVE:
            raise Forbidden("代表之家管理员只能创建本代表之家的代表账号")
        own_home = actor.scope_home_id
        if own_home is None:
            raise Forbidden("您的单位尚无代表之家，不能创建代表账号")
        requested = data.get("home_id")
        if requested not in (None, "") and str(requested) != str(own_home):
            raise Forbidden("只能为本代表之家创建代表账号")
        data = {**data, "home_id": own_home}

    if role == Role.HOME_MANAGER:
        unit_id = v.integer(errors, data, "unit_id", "所属单位", minimum=1)
        if unit_id is not None and db.session.get(Unit, unit_id) is None:
            errors.add("unit_id", "所属单位不存在")
    elif role == Role.REPRESENTATIVE:
        home_id = v.integer(errors, data, "home_id", "所属代表之家", minimum=1)
        if home_id is not None and db.session.get(Home, home_id) is None:
            errors.add("home_id", "所属代表之家不存在")
        level = v.choice(errors, data, "level", "代表层级", Level)
    errors.raise_if_any()

    _check_username_free(username)
    user = User(username=username, name=name, role=role, mobile=mobile, email=email,
                unit_id=unit_id, home_id=home_id, level=level, work_unit=work_unit,
                speciality=speciality, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    summaries.representatives_changed(
        [(user.id, None, summaries.representative_home(user))], new=True)
    audit.record(actor, "create", user)
    return user


def set_active(actor: User, user: User, active: bool) -> User:
    """Deactivate or reactivate an account (the office business accounts, the system
    administrator administrator accounts, a manager only representatives of their Home)."""
    require_role(actor, Role.PROVINCIAL_ADMIN, Role.HOME_MANAGER, Role.SYSTEM_ADMIN)
    if actor.role != Role.HOME_MANAGER:
        require_account_keeper(actor, user.role)
    if user.id != actor.id:  # the per-Home summaries move from the state read under the lock
        user = lock(user)
    if actor.role == Role.HOME_MANAGER and (user.role != Role.REPRESENTATIVE
                                            or user.home_id != actor.scope_home_id):
        raise Forbidden("只能停用或启用本代表之家的代表账号")
    if user.id == actor.id and not active:
        raise Conflict("不能停用自己的账号")
    before = audit.snapshot(user)
    counted = summaries.representative_home(user)
    user.active = active
    summaries.representatives_changed([(user.id, counted, summaries.representative_home(user))])
    if not active:
        sessions.end_all_sessions(user)
    audit.record(actor, "activate" if active else "deactivate", user, before=before)
    return user


def change_password(user: User, current: str, new: str, *, keep_session: str | None = None,
                    keep_token: str | None = None) -> None:
    """Change one's own password after checking the current one.

    Every other browser login, remember cookie and API token of the user ends; the ones named
    (the browser or token that asked, see services/accounts/sessions.py) are kept.
    """
    errors = Collector()
    if not user.check_password(current or ""):
        errors.add("current_password", "当前密码不正确")
    for problem in password_problems(new):
        errors.add("new_password", problem)
    if not errors.fields and current == new:
        errors.add("new_password", "新密码不能与当前密码相同")
    errors.raise_if_any()
    user.set_password(new)
    sessions.end_all_sessions(user, keep_session=keep_session, keep_token=keep_token)
    audit.record(user, "password_changed", user, after={"password": "changed"})


def reset_password(actor: User, user: User, new: str) -> None:
    """An administrator sets a new password for someone (e.g. a forgotten one).

    Every browser login, remember cookie and API token of that user ends (an administrator
    resetting their own password keeps the browser they do it from).
    """
    require_role(actor, Role.PROVINCIAL_ADMIN, Role.SYSTEM_ADMIN)
    require_account_keeper(actor, user.role)
    problems = password_problems(new)
    if problems:
        raise ValidationFailed({"password": problems})
    user.set_password(new)
    sessions.end_all_sessions(
        user, keep_session=sessions.current_key(actor) if actor.id == user.id else None)
    audit.record(actor, "password_reset", user, after={"password": "reset"})


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user
