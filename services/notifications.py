"""In-app notifications; a dedupe key makes a job's second run send nothing twice."""
import sqlalchemy as sa

from extensions import db
from models import Home, Notification, User
from models.base import utcnow
from models.enums import Role


def notify(user: User | int, kind: str, title: str, body: str = "", link: str = "",
           dedupe_key: str | None = None, *, checked: bool = False) -> Notification | None:
    """Add a notification for a user; None if one with the same dedupe key already exists.

    `checked=True` says the caller has already excluded users holding the key (jobs check a whole
    batch in one query), so no SELECT is issued and the INSERTs are batched at the next flush.
    """
    user_id = user if isinstance(user, int) else user.id
    if dedupe_key is not None and not checked and db.session.scalar(
            sa.select(Notification.id).where(Notification.user_id == user_id,
                                             Notification.dedupe_key == dedupe_key)):
        return None
    note = Notification(user_id=user_id, kind=kind, title=title[:200], body=body, link=link[:255],
                        dedupe_key=dedupe_key)
    db.session.add(note)
    return note


def managers_of_home(home_id: int) -> list[User]:
    """The active managers of a Home (the managers of its host unit)."""
    return list(db.session.scalars(
        sa.select(User).join(Home, Home.unit_id == User.unit_id)
        .where(Home.id == home_id, User.role == Role.HOME_MANAGER, User.active.is_(True))))


def provincial_admins() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.role == Role.PROVINCIAL_ADMIN, User.active.is_(True))))


def unread_count(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def mark_read(user: User, notification_ids=None) -> int:
    """Mark some (or all) of the user's notifications read; returns how many changed."""
    stmt = sa.update(Notification).where(Notification.user_id == user.id,
                                         Notification.read_at.is_(None))
    if notification_ids is not None:
        stmt = stmt.where(Notification.id.in_(list(notification_ids)))
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount or 0
