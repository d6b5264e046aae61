"""What ends a user's sessions and tokens: logout, password change or reset, deactivation.

Each browser login is a LoginSession row whose random key is stored only as a SHA-256 hash. The
session cookie and the remember cookie carry Flask-Login's alternative id "<user id>:<key>"
(User.get_id), so a cookie whose row is gone opens nothing: logout deletes that browser's row; a
password change or reset and a deactivation delete all the user's rows and API tokens except the
ones named. The address a request comes from plays no part, so a phone that moves from Wi-Fi to 4G
stays logged in.

Lifetimes (SPEC §5.13): a login idle for IDLE_TIMEOUT_MINUTES (30) ends, and none lasts more than
SESSION_MAX_HOURS (12); a remembered login (representatives only: the login page never honours
"remember me" for other roles) keeps its row at most 7 days, and its browser sessions obey the same
idle and 12-hour limits: when one ends, the next request restores the login from the row — a new
login, audited like any other (services/accounts/login.py resume_login). The last request of a
login is noted at most once a minute, in its own short transaction (a page that only reads commits
nothing).
"""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from extensions import db
from models import ApiToken, LoginSession, Unit, User
from models.base import utcnow
from services import audit

MAX_REMEMBER = timedelta(days=7)
TOUCH_EVERY = timedelta(minutes=1)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _lifetime(remember: bool) -> timedelta:
    """12 hours, or for a remembered login REMEMBER_COOKIE_DURATION capped at 7 days."""
    if not remember:
        return timedelta(hours=current_app.config.get("SESSION_MAX_HOURS", 12))
    value = current_app.config.get("REMEMBER_COOKIE_DURATION") or MAX_REMEMBER
    value = value if isinstance(value, timedelta) else timedelta(seconds=int(value))
    return min(value, MAX_REMEMBER)


def _idle() -> timedelta:
    return timedelta(minutes=current_app.config.get("IDLE_TIMEOUT_MINUTES", 30))


def start_session(user: User, *, remember: bool = False) -> str:
    """Record a new browser login of `user` and attach its key (call before flask_login.login_user).

    Returns the raw key; only its hash is stored. The row lives 12 hours, a remembered one (the
    caller allows it for representatives only) at most 7 days. The caller commits.
    """
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(LoginSession(user_id=user.id, key_hash=_hash(raw), created_at=now,
                                expires_at=now + _lifetime(remember), last_seen_at=now,
                                remember=remember))
    # Expired logins of this user are of no use to anyone: drop them as we go.
    db.session.execute(sa.delete(LoginSession).where(
        LoginSession.user_id == user.id,
        sa.or_(LoginSession.expires_at < now,
               sa.and_(LoginSession.remember.is_(False), LoginSession.last_seen_at < now - _idle()))))
    user.login_key = raw
    return raw


def current_key(user) -> str | None:
    """The key of the browser login this request was authenticated with (None outside one)."""
    return getattr(user, "login_key", None)


def _max_age() -> timedelta:
    return timedelta(hours=current_app.config.get("SESSION_MAX_HOURS", 12))


def load_user(alt_id: str) -> User | None:
    """The active user of a cookie's alternative id "<user id>:<key>" whose login row still exists.

    One statement: the user with their unit, its Home and their own Home, joined to the login row.
    Anything else (an old plain id, a malformed value, an ended or expired login) gives None.

    A remembered login (representatives only) whose browser session has ended — idle for
    IDLE_TIMEOUT_MINUTES, or begun more than SESSION_MAX_HOURS ago — is restored while its row
    lasts (at most 7 days): the row's created_at and last_seen_at start again (a conditional
    UPDATE, so of concurrent requests one restores) and `user.login_restored` says whether this
    request did (True) or a concurrent one did (False); it is None when nothing was restored. A
    restore is a new login: the caller records it (services.accounts.resume_login) and commits.
    """
    user_id, sep, raw = (alt_id or "").partition(":")
    if not sep or not raw or not user_id.isdigit():
        return None
    now = utcnow()
    row = db.session.execute(
        sa.select(User, LoginSession.id, LoginSession.last_seen_at, LoginSession.remember,
                  LoginSession.created_at)
        .join(LoginSession, LoginSession.user_id == User.id)
        .options(joinedload(User.unit).joinedload(Unit.home), joinedload(User.home))
        .where(User.id == int(user_id), LoginSession.key_hash == _hash(raw),
               LoginSession.expires_at > now)).first()
    if row is None:
        return None
    user, login_id, last_seen, remember, started = row
    if not user.active:
        return None
    user.login_restored = None
    ended = (last_seen is not None and last_seen <= now - _idle()) or started <= now - _max_age()
    if ended and not remember:
        return None  # idle too long: the login has ended (the row goes with the next cleanup)
    if ended:
        seen = (LoginSession.last_seen_at == last_seen if last_seen is not None
                else LoginSession.last_seen_at.is_(None))
        claimed = db.session.execute(
            sa.update(LoginSession).where(LoginSession.id == login_id, seen)
            .values(created_at=now, last_seen_at=now)
            .execution_options(synchronize_session=False)).rowcount
        user.login_restored = claimed == 1
    elif last_seen is None or last_seen <= now - TOUCH_EVERY:
        with db.engine.begin() as conn:
            conn.execute(sa.update(LoginSession).where(LoginSession.id == login_id)
                         .values(last_seen_at=now))
    user.login_key = raw
    return user


def end_session(user) -> None:
    """End the browser login this request runs in (logout, audited); its cookies, replayed, open
    nothing."""
    raw = current_key(user)
    if raw:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.key_hash == _hash(raw)))
    audit.record(user, "logout", object_type="users", object_id=user.id,
                 detail={"channel": "web"})


def end_all_sessions(user: User, *, keep_session: str | None = None,
                     keep_token: str | None = None) -> None:
    """End every browser login, remember cookie and API token of `user` except the ones named.

    keep_session: the raw key of a browser login to keep (current_key(current_user) keeps the
    browser that asked); keep_token: a raw bearer token to keep. The caller commits.
    """
    logins = sa.delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep_session:
        logins = logins.where(LoginSession.key_hash != _hash(keep_session))
    db.session.execute(logins)
    tokens = sa.delete(ApiToken).where(ApiToken.user_id == user.id)
    if keep_token:
        tokens = tokens.where(ApiToken.token_hash != _hash(keep_token))
    db.session.execute(tokens)
    if current_key(user) and current_key(user) != keep_session:
        user.login_key = None
