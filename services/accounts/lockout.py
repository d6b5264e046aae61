"""The per-account lockout of SPEC §5.13: LOGIN_LOCKOUT_FAILURES (5) failures within 15 minutes lock
the account for LOGIN_LOCKOUT_MINUTES (15).

Every failure counts: a wrong password on the login page or POST /tokens, a wrong second-factor code,
a wrong current password on the account page or POST /me/password. Counting is one conditional
UPDATE of the user's row (concurrent failures queue on its row lock), and the lock is set by a second
conditional UPDATE that only an unlocked row passes, so twenty concurrent failures lock once.
The owner is told at the next successful login how many failures there were and from which address.
A security administrator unlocks; so does a reset link or an activation code (lifecycle.py).
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import User
from models.base import utcnow
from models.enums import Role
from services import audit
from services.errors import AccountLocked, Forbidden

WINDOW = timedelta(minutes=15)


@dataclass
class FailureNotice:
    """What the owner is told at a successful login: failures since the last one, the address and
    time (UTC; None for failures counted before times were kept) of the last."""

    count: int
    address: str
    at: datetime | None = None

    def as_dict(self) -> dict:
        """The API's `login_notice`: {failures, last_address, last_at}."""
        return {"failures": self.count, "last_address": self.address or None,
                "last_at": self.at}


def locked_until(user: User, now: datetime | None = None) -> datetime | None:
    """The end of the user's lock, or None when not locked."""
    now = now or utcnow()
    return user.locked_until if user.locked_until and user.locked_until > now else None


def refuse_if_locked(user: User) -> None:
    """AccountLocked while the account is locked (every attempt, right or wrong)."""
    until = locked_until(user)
    if until is not None:
        raise AccountLocked(until)


def record_failure(user: User, address: str, reason: str, *, channel: str = "web",
                   tried: str | None = None) -> datetime | None:
    """Count one failure of `user` from `address`; lock the account when it reaches the limit.

    Returns the end of the lock when the account is (now) locked, else None. The caller commits
    (the refusals raised after it carry keep_changes).
    """
    now = utcnow()
    limit = current_app.config.get("LOGIN_LOCKOUT_FAILURES", 5)
    minutes = current_app.config.get("LOGIN_LOCKOUT_MINUTES", 15)
    in_window = sa.and_(User.failure_window_start.is_not(None),
                        User.failure_window_start > now - WINDOW)
    unlocked = sa.or_(User.locked_until.is_(None), User.locked_until <= now)
    count = db.session.execute(
        sa.update(User).where(User.id == user.id, unlocked).values(
            failed_logins=sa.case((in_window, User.failed_logins + 1), else_=1),
            failure_window_start=sa.case((in_window, User.failure_window_start), else_=now),
            unseen_failures=User.unseen_failures + 1,
            last_failure_address=(address or "")[:64], last_failure_at=now)
        .returning(User.failed_logins).execution_options(synchronize_session=False)).scalar()
    locked = None
    if count is None:  # locked meanwhile by a concurrent failure
        locked = db.session.scalar(sa.select(User.locked_until).where(User.id == user.id))
    elif count >= limit:
        until = now + timedelta(minutes=minutes)
        claimed = db.session.execute(
            sa.update(User).where(User.id == user.id, unlocked)
            .values(locked_until=until, failed_logins=0, failure_window_start=None)
            .execution_options(synchronize_session=False)).rowcount
        if claimed == 1:
            audit.record(None, "account_locked", object_type="users", object_id=user.id,
                         after={"locked_until": until.isoformat(), "failures": count,
                                "address": address or ""})
        locked = db.session.scalar(sa.select(User.locked_until).where(User.id == user.id))
    audit.record(None, "login_failure", object_type="users", object_id=user.id,
                 result=audit.FAILURE,
                 detail={"username": (tried or user.username)[:64], "reason": reason,
                         "channel": channel})
    db.session.expire(user, ["failed_logins", "failure_window_start", "locked_until",
                             "unseen_failures", "last_failure_address", "last_failure_at"])
    return locked


def take_notice(user: User, *, forget: bool = True) -> FailureNotice | None:
    """At a successful login: clear the count; answer the failures since the owner was last told
    (forgotten when `forget`, else kept for the next page login)."""
    notice = FailureNotice(user.unseen_failures, user.last_failure_address or "",
                           user.last_failure_at) if user.unseen_failures else None
    if forget:
        user.unseen_failures = 0
    user.failed_logins = 0
    user.failure_window_start = None
    return notice


def clear_lock(user: User) -> None:
    """Lift the lock and forget the counted failures (unlock, reset link, activation code)."""
    user.locked_until = None
    user.failed_logins = 0
    user.failure_window_start = None


def unlock_account(actor: User | None, user: User) -> User:
    """A security administrator unlocks `user` (403 for every other role); `actor` None is the
    operator's audited break-glass `flask users unlock` (SPEC §5.13)."""
    if actor is not None and actor.role != Role.SECURITY_ADMIN:
        raise Forbidden("只有安全管理员可以解锁账号")
    before = {"locked_until": user.locked_until.isoformat() if user.locked_until else None}
    clear_lock(user)
    audit.record(actor, "account_unlocked", user, before=before, after={"locked_until": None})
    return user
