"""A login, step by step (SPEC §5.13), shared by the login page and POST /tokens.

1. `check_credentials(username, password, address)`: the active user whose password — or unexpired
   activation code — this is. What is typed is a username first; otherwise a mobile
   (normalised as everywhere) names the account only when exactly one active account holds it.
   Unknown usernames and deactivated accounts get the same LoginFailed and lock nothing; a wrong
   password is a counted failure; a locked account answers AccountLocked for every attempt, right
   or wrong (a valid activation code, handed out by the office, unlocks).
2. The second factor, when `second_factor.asks_code(user)`: `second_factor.verify_code`.
3. `finish_login(user, address)`: the failure notice for the owner, last_login_at, an aged password
   marked `must_change_password`, the audit entry.
The caller commits in every case (refusals carry keep_changes).
"""
from functools import lru_cache

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from models import User
from models.base import utcnow
from services import audit, clock
from services.accounts import activation, lockout, passwords, sessions
from services.accounts.users import find_by_username
from services.errors import AccountLocked, LoginFailed
from services.validation import normalize_mobile


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real hash, so that an unknown username costs the same time as a wrong password."""
    return generate_password_hash("not-a-real-password")


def _find_login(typed) -> User | None:
    """The account a login names: the user with this username (ignoring case); failing that, the
    one active user whose mobile is this (normalised: `+86 138-0013-8001` is `13800138001`).
    None when neither, or when several active accounts share the mobile."""
    typed = typed if isinstance(typed, str) else ""
    user = find_by_username(typed)
    if user is not None:
        return user
    mobile = normalize_mobile(typed)
    if mobile is None:
        return None
    holders = db.session.scalars(sa.select(User).where(
        User.mobile == mobile, User.active.is_(True)).limit(2)).all()
    return holders[0] if len(holders) == 1 else None


def _refuse(username, address: str, reason: str, channel: str) -> LoginFailed:
    audit.record(None, "login_failure", object_type="users", result=audit.FAILURE,
                 detail={"username": str(username or "")[:64], "reason": reason,
                         "channel": channel})
    return LoginFailed()


def check_credentials(username, password, address: str = "", *, channel: str = "web") -> User:
    """The active user with these credentials, matched ignoring the username's case, or by the
    mobile only one active account holds; LoginFailed (the same for unknown and wrong) or
    AccountLocked otherwise. Failures and locks count against the account so found."""
    password = password if isinstance(password, str) else ""
    user = _find_login(username)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        raise _refuse(username, address, "unknown_user", channel)
    if not user.active:
        raise _refuse(username, address, "inactive", channel)
    if lockout.locked_until(user) is not None:
        if activation.matches(user, password):  # a fresh code from the office unlocks
            lockout.clear_lock(user)
            audit.record(user, "account_unlocked", user,
                         after={"locked_until": None, "by": "activation_code"})
            return user
        raise AccountLocked(user.locked_until)
    if user.check_password(password) or activation.matches(user, password):
        return user
    until = lockout.record_failure(user, address, "wrong_password", channel=channel,
                                   tried=str(username or ""))
    if until is not None:
        raise AccountLocked(until)
    raise LoginFailed()


def finish_login(user: User, address: str = "", *, how: str = "password",
                 channel: str = "web") -> lockout.FailureNotice | None:
    """Record a successful login; answer what the owner must be told about failures since the last
    one (None when there were none; told once, on the page or in POST /tokens' `login_notice`).
    An aged password makes `must_change_password` true. `how`: password, password+otp, remember.
    """
    notice = lockout.take_notice(user)
    user.last_login_at = utcnow()
    if passwords.age_expired(user):
        user.must_change_password = True
    audit.record(user, "login_success", user, after={"how": how}, detail={"channel": channel})
    return notice


def notice_text(notice: lockout.FailureNotice | None) -> str:
    """The Chinese sentence that tells the owner about failures since the last login ('' for none)."""
    if notice is None:
        return ""
    last = " ".join(part for part in (
        f"于 {clock.local(notice.at):%Y-%m-%d %H:%M}" if notice.at else "",
        f"来自 {notice.address}" if notice.address else "") if part)
    where = f"，最近一次{last}" if last else ""
    return f"自上次登录以来，您的账号有 {notice.count} 次登录失败{where}。如非本人操作，请立即修改密码。"


def resume_login(alt_id: str, address: str = "") -> tuple[User | None, lockout.FailureNotice | None]:
    """The user of a browser login (the cookie's "<user id>:<key>", see sessions.load_user), and
    the failure notice when this request restored a remembered login whose browser session had
    ended: that restore is a new login — recorded as login_success (how "remember", the client's
    address), last_login_at, the failure count cleared, an aged password marked. (None, None) for
    no login. The caller commits when `user.login_restored is not None`.
    """
    user = sessions.load_user(alt_id)
    if user is None or not user.login_restored:
        return user, None
    return user, finish_login(user, address, how="remember")
