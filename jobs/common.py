"""Small helpers the job modules share: links without a request, ISO-week keys, managers by Home."""
from datetime import date

import sqlalchemy as sa
from flask import current_app
from werkzeug.routing import BuildError

from extensions import db
from models import Home, Notification, User
from models.enums import HomeStatus, Role


def link_to(endpoint: str, fallback: str = "", **values) -> str:
    """The path of `endpoint` (built without a request), or `fallback` when it does not exist."""
    try:
        return current_app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return fallback


def iso_week(day: date) -> str:
    """'2026-W05': the ISO week of `day`, the period of weekly dedupe keys."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def active_home_ids() -> list[int]:
    """Ids of the Homes whose status is active."""
    return list(db.session.scalars(sa.select(Home.id).where(Home.status == HomeStatus.ACTIVE)))


def managers_by_home(home_ids) -> dict[int, list[User]]:
    """Active managers of each Home (a Home's managers are those of its host unit) — one query."""
    ids = list(home_ids)
    result: dict[int, list[User]] = {hid: [] for hid in ids}
    if not ids:
        return result
    rows = db.session.execute(
        sa.select(Home.id, User).join(User, User.unit_id == Home.unit_id)
        .where(Home.id.in_(ids), User.role == Role.HOME_MANAGER, User.active.is_(True))
        .order_by(Home.id, User.id))
    for home_id, user in rows:
        result[home_id].append(user)
    return result


def already_notified(dedupe_key: str, user_ids) -> set[int]:
    """Which of `user_ids` already have a notification with this key (one query)."""
    ids = list(user_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.dedupe_key == dedupe_key, Notification.user_id.in_(ids))))
