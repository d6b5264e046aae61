"""A browser login: one row per login, its random key stored only as a SHA-256 hash.

The session cookie and the remember cookie carry "<user id>:<key>" (Flask-Login's alternative id),
so deleting the row ends that browser's login, and deleting all a user's rows ends all of them.
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class LoginSession(Base):
    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Idle timeout (SPEC §5.13): the last request of this login; a remembered login (representatives
    # only) may be restored after the idle timeout until expires_at (at most 7 days).
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remember: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
