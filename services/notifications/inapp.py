"""The in-app channel: Notification rows, read in the notification centre; a dedupe key makes a
job's second run add nothing twice."""
import sqlalchemy as sa

from extensions import db
from models import Home, Notification, User
from models.base import utcnow
from models.enums import Role


def add_notification(user: User | int, kind: str, title: str, body: str = "", link: str = "",
                     dedupe_key: str | None = None, *, checked: bool = False) -> Notification | None:
    """Add an in-app notification for a user; None if one with the same dedupe key already exists.

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
    """The active provincial admins (the office)."""
    return list(db.session.scalars(sa.select(User).where(
        User.role == Role.PROVINCIAL_ADMIN, User.active.is_(True))))


def unread_count(user_id: int) -> int:
    """How many of the user's notifications are unread (one COUNT)."""
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def mark_read(user: User, notification_ids=None) -> int:
    """Mark some (or all) of the user's notifications read; returns how many changed."""
    stmt = sa.update(Notification).where(Notification.user_id == user.id,
                                         Notification.read_at.is_(None))
    if notification_ids is not None:
        stmt = stmt.where(Notification.id.in_(list(notification_ids)))
    return db.session.execute(stmt.values(read_at=utcnow())).rowcount or 0


#: Reminders that stop holding: a representative reaching the five-contact rule for a year ends
#: the "尚未达标" ones (the weekly sweep's and a manager's one-click reminder); recording an activity
#: ends "N 天没有开展活动".
CONTACT_REMINDERS = ("compliance_reminder", "contact_reminder")
INACTIVITY_REMINDERS = ("inactivity_reminder",)


def settle_reminders(user_ids, kinds, *, since=None, until=None) -> int:
    """Mark read the unread notifications of `kinds` held by `user_ids` (created in [since, until)
    when given): reminders whose condition no longer holds are done, not waiting. One UPDATE
    (none when `user_ids` is empty); returns how many changed."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    stmt = sa.update(Notification).where(Notification.user_id.in_(ids),
                                         Notification.kind.in_(list(kinds)),
                                         Notification.read_at.is_(None))
    if since is not None:
        stmt = stmt.where(Notification.created_at >= since)
    if until is not None:
        stmt = stmt.where(Notification.created_at < until)
    return db.session.execute(stmt.values(read_at=utcnow()),
                              execution_options={"synchronize_session": False}).rowcount or 0
