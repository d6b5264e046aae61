"""Reminders that act: a manager reminds a representative below the five-contact rule in one click.

Once per representative per day (Asia/Shanghai), whoever clicks: the reminder is a notification
with the dedupe key `contact_reminder:<date>`, and the unique (user_id, dedupe_key) constraint
decides a double click or two managers clicking at once — the second finds it already sent.
"""
from datetime import date

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import Notification, User
from models.enums import Role
from services import audit, clock, compliance, notifications
from services.errors import NotFound
from services.scope import get_scoped, require_role

KIND = "contact_reminder"


def key(day: date) -> str:
    return f"{KIND}:{day.isoformat()}"


def reminded_today(rep_ids, day: date | None = None) -> set[int]:
    """Which of `rep_ids` were already reminded on `day` (default today) — one query."""
    ids = list(rep_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.dedupe_key == key(day or clock.today()), Notification.user_id.in_(ids))))


def remind_contacts(actor: User, rep_id, day: date | None = None) -> bool:
    """Remind an active representative in the actor's scope to contact sci-tech workers.

    Managers (their Home's representatives), city admins (their city's, the one change they
    may make) and provincial admins; Forbidden for representatives;
    NotFound outside the scope or for anyone who is not an active representative. True when the
    reminder was sent now, False when one was already sent that day (by anyone).
    """
    require_role(actor, Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN)
    rep = get_scoped(User, rep_id, actor)
    if rep.role != Role.REPRESENTATIVE or not rep.active:
        raise NotFound()
    day = day or clock.today()
    if reminded_today([rep.id], day):
        return False
    contacted = compliance.contacted_count(rep.id, day.year)
    limit = compliance.threshold()
    note = Notification(
        user_id=rep.id, kind=KIND, dedupe_key=key(day),
        title=f"{actor.name}提醒您联系科技工作者",
        body=(f"截至{day.isoformat()}，您在{day.year}年已联系 {contacted} 名科技工作者，"
              f"距“每个代表至少联系{limit}个科技工作者”还差 {max(limit - contacted, 0)} 名。"
              "请及时联系并记录。"),
        link=_link("rep.contact_new"))
    try:
        with db.session.begin_nested():
            db.session.add(note)
    except IntegrityError:  # another click won the race
        return False
    notifications.queue_elsewhere(rep, KIND, note.link, dedupe_key=key(day))
    audit.record(actor, "remind_contacts", object_type="users", object_id=rep.id,
                 after={"day": day.isoformat(), "contacted": contacted})
    return True


def _link(endpoint: str) -> str:
    try:
        return url_for(endpoint)
    except Exception:  # outside a request
        return ""
