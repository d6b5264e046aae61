"""API bearer tokens: issued at login, stored only as a SHA-256 hash, expiring after TOKEN_TTL_HOURS."""
import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from extensions import db
from models import ApiToken, Unit, User
from models.base import utcnow
from services import audit


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """A new random token for the user; the raw value is returned once and never stored."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, token_hash=_hash(raw),
                     expires_at=utcnow() + timedelta(hours=current_app.config["TOKEN_TTL_HOURS"]))
    db.session.add(token)
    # Expired tokens of this user are of no use to anyone: drop them as we go.
    db.session.execute(sa.delete(ApiToken).where(ApiToken.user_id == user.id,
                                                 ApiToken.expires_at < utcnow()))
    return raw, token


# Every API request runs this statement: built once, it keeps its cache key (SQLAlchemy would
# otherwise rebuild it and its loader options and compute the key again on each request).
_TOKEN_AND_USER = (
    sa.select(ApiToken, User).join(User, User.id == ApiToken.user_id)
    .options(joinedload(User.unit).joinedload(Unit.home), joinedload(User.home))
    .where(ApiToken.token_hash == sa.bindparam("token_hash")))


def user_for_token(raw: str) -> User | None:
    """The active user holding this unexpired token, or None."""
    if not raw:
        return None
    row = db.session.execute(_TOKEN_AND_USER, {"token_hash": _hash(raw)}).first()
    if row is None:
        return None
    token, user = row
    if token.expires_at <= utcnow() or not user.active:
        return None
    return user


def revoke_token(raw: str, user=None) -> None:
    """End one bearer token (the API's logout; audited as `logout` when its user is given)."""
    db.session.execute(sa.delete(ApiToken).where(ApiToken.token_hash == _hash(raw)))
    if user is not None:
        audit.record(user, "logout", object_type="users", object_id=user.id,
                     detail={"channel": "api"})
