"""User accounts: creation by role, deactivation, password changes (the current password checked
as a login is)."""
import sqlalchemy as sa

from extensions import db
from models import Home, Unit, User
from models.enums import ADMINISTRATOR_ACCOUNT_ROLES, JIANGSU_CITIES, Level, Role
from services import audit, summaries
from services import validation as v
from services.accounts import activation, lockout, sessions
from services.accounts.passwords import password_problems, store_password
from services.concurrency import lock
from services.errors import (
    AccountLocked,
    Collector,
    Conflict,
    Forbidden,
    NotFound,
    ValidationFailed,
)
from services.scope import require_role


def find_by_username(username: str) -> User | None:
    """The user with this username, ignoring case (usernames are unique ignoring case)."""
    username = (username or "").strip() if isinstance(username, str) else ""
    if not username:
        return None
    return db.session.scalar(sa.select(User).where(
        sa.func.lower(User.username) == username.lower()))


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


def create_user(actor: User | None, data: dict, *, activation_code: str | None = None) -> User:
    """Create an account. The office creates business accounts (home managers, representatives),
    the system administrator administrator accounts (SPEC §5.13); managers only representatives
    of their own Home. The actor's right to the requested role is checked before validation.

    With `activation_code` the account gets that code instead of a password (`password` is not
    read), as imported accounts do (SPEC §5.8). `actor` None means the command line (an operator
    with shell access).
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
    if activation_code is None:
        for problem in password_problems(password, username=username):
            errors.add("password", problem)
    name = v.text(errors, data, "name", "姓名", max_len=50)
    role = v.choice(errors, data, "role", "角色", Role)
    mobile = v.mobile(errors, data)
    email = v.email(errors, data)
    work_unit = v.text(errors, data, "work_unit", "工作单位", required=False, max_len=100)
    speciality = v.text(errors, data, "speciality", "专业特长", required=False, max_len=100)

    unit_id = home_id = level = city = None
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
    elif role == Role.CITY_ADMIN:
        city = city_of(errors, data)
    errors.raise_if_any()

    _check_username_free(username)
    user = User(username=username, name=name, role=role, mobile=mobile, email=email,
                unit_id=unit_id, home_id=home_id, level=level, city=city, work_unit=work_unit,
                speciality=speciality, active=True)
    db.session.add(user)
    if activation_code is None:
        store_password(user, password)
    else:
        activation.assign(user, activation_code)
    summaries.representatives_changed(
        [(user.id, None, summaries.representative_home(user))], new=True)
    audit.record(actor, "create", user)
    return user


def city_of(errors: Collector, data: dict) -> str | None:
    """A city administrator's `city` from `data`: one of JIANGSU_CITIES (422 naming `city`)."""
    city = data.get("city") if isinstance(data, dict) else None
    city = city.strip() if isinstance(city, str) else city
    if city not in JIANGSU_CITIES:
        errors.add("city", "设区市科协须选择江苏省13个设区市之一（如：南京市）")
        return None
    return city


def create_with_code(actor: User, data: dict) -> tuple[User, str]:
    """Create an account (as create_user) with a new activation code instead of a password:
    (the user, the code — to be shown once, never stored in clear)."""
    code = activation.new_code()
    return create_user(actor, data, activation_code=code), code


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


def check_current_password(user: User, current, address: str, *, field: str = "current_password",
                           by_code: bool = False) -> None:
    """The current-password check of the account page and POST /me/password, counted like a login
    (SPEC §5.13): refused while locked (AccountLocked), and a wrong one is a counted failure
    (ValidationFailed naming `field`, kept; AccountLocked when it locks). `by_code`: an activation
    code already matched."""
    lockout.refuse_if_locked(user)
    if by_code or user.check_password(current or ""):
        return
    until = lockout.record_failure(user, address, "wrong_current_password")
    if until is not None:
        raise AccountLocked(until)
    error = ValidationFailed({field: ["当前密码不正确"]})
    error.keep_changes = True
    raise error


def change_password(user: User, current: str, new: str, *, keep_session: str | None = None,
                    keep_token: str | None = None, address: str = "") -> None:
    """Change one's own password after checking the current one (a counted check, see
    check_current_password); the new one obeys SPEC §5.13 (`new_password` names the rule broken).

    Every other browser login, remember cookie and API token of the user ends; the ones named
    (the browser or token that asked, see services/accounts/sessions.py) are kept.
    """
    check_current_password(user, current, address)
    errors = Collector()
    for problem in password_problems(new, user=user):
        errors.add("new_password", problem)
    errors.raise_if_any()
    store_password(user, new)
    user.must_change_password = False
    sessions.end_all_sessions(user, keep_session=keep_session, keep_token=keep_token)
    audit.record(user, "password_changed", user, after={"password": "changed"})


def reset_password(actor: User, user: User, new: str) -> None:
    """An administrator sets a new password for someone (e.g. a forgotten one).

    Every browser login, remember cookie and API token of that user ends (an administrator
    resetting their own password keeps the browser they do it from).
    """
    require_role(actor, Role.PROVINCIAL_ADMIN, Role.SYSTEM_ADMIN)
    require_account_keeper(actor, user.role)
    problems = password_problems(new, user=user)
    if problems:
        raise ValidationFailed({"password": problems})
    store_password(user, new)
    sessions.end_all_sessions(
        user, keep_session=sessions.current_key(actor) if actor.id == user.id else None)
    audit.record(actor, "password_reset", user, after={"password": "reset"})


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    return user


def change_role(actor: User, user: User, role, *, city=None) -> User:
    """The system administrator changes the role of an administrator account to another
    administrator role (SPEC §5.13: an account has one role; nobody changes their own). A city
    administrator needs its `city` (one of JIANGSU_CITIES; 422 naming `city`): given, or kept from
    before; `city` alone moves a city administrator to another city; other roles have none.

    Checked in this order, roles before the value: an actor other than the system administrator
    is Forbidden; so is a change of one's own role, of a business account, or to a business role
    (those are the office's accounts); an unknown role is ValidationFailed naming `role`. The same
    role again changes nothing. A change ends the user's sessions and tokens (their rights
    changed) and is audited as `role_changed` with the role before and after.
    """
    require_role(actor, Role.SYSTEM_ADMIN)
    if user.id == actor.id:
        raise Forbidden("不能更改自己的角色")
    require_account_keeper(actor, user.role)
    require_account_keeper(actor, role)
    try:
        new = Role(role)
    except ValueError:
        raise ValidationFailed({"role": ["角色不存在"]}) from None
    new_city = None
    if new == Role.CITY_ADMIN:
        errors = Collector()
        new_city = city_of(errors, {"city": city if city is not None else user.city})
        errors.raise_if_any()
    user = lock(user)  # two concurrent changes: the second starts from the first's result
    if user.role == new and user.city == new_city:
        return user
    before, after = {"role": user.role.value}, {"role": new.value}
    if user.city or new_city:  # a city administrator's city is part of its role
        before["city"], after["city"] = user.city, new_city
    user.role = new
    user.city = new_city
    sessions.end_all_sessions(user)
    audit.record(actor, "role_changed", user, before=before, after=after)
    return user
