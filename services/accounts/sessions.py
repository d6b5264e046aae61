"""What ends a user's sessions and tokens: logout, password change or reset, deactivation.

Each browser login is a LoginSession row whose random key is stored only as a SHA-256 hash. The
session cookie and the remember cookie carry Flask-Login's alternative id "<user id>:<key>"
(User.get_id), so a cookie whose row is gone opens nothing: logout deletes that browser's row; a
password change or reset and a deactivation delete all the user's rows and API tokens except the
ones named. The address a request comes from plays no part, so a phone that moves from Wi-Fi to 4G
stays logged in.
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

# How long a login row lives when REMEMBER_COOKIE_DURATION is not configured (Flask-Login's default).
_DEFAULT_LIFETIME = timedelta(days=365)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _lifetime() -> timedelta:
    value = current_app.config.get("REMEMBER_COOKIE_DURATION") or _DEFAULT_LIFETIME
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def start_session(user: User) -> str:
    """Record a new browser login of `user` and attach its key (call before flask_login.login_user).

    Returns the raw key; only its hash is stored. The row lives as long as a remember cookie can.
    The caller commits.
    """
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(LoginSession(user_id=user.id, key_hash=_hash(raw), created_at=now,
                                expires_at=now + _lifetime()))
    # Expired logins of this user are of no use to anyone: drop them as we go.
    db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == user.id,
                                                     LoginSession.expires_at < now))
    user.login_key = raw
    return raw


def current_key(user) -> str | None:
    """The key of the browser login this request was authenticated with (None outside one)."""
    return getattr(user, "login_key", None)


def load_user(alt_id: str) -> User | None:
    """The active user of a cookie's alternative id "<user id>:<key>" whose login row still exists.

    One statement: the user with their unit, its Home and their own Home, joined to the login row.
    Anything else (an old plain id, a malformed value, an ended or expired login) gives None.
    """
    user_id, sep, raw = (alt_id or "").partition(":")
    if not sep or not raw or not user_id.isdigit():
        return None
    user = db.session.scalar(
        sa.select(User)
        .join(LoginSession, LoginSession.user_id == User.id)
        .options(joinedload(User.unit).joinedload(Unit.home), joinedload(User.home))
        .where(User.id == int(user_id), LoginSession.key_hash == _hash(raw),
               LoginSession.expires_at > utcnow()))
    if user is None or not user.active:
        return None
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
