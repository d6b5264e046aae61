"""Small helpers the job modules share: links without a request, ISO-week keys, the managers of a
selection of Homes still to notify."""
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


def unnotified_managers(homes, dedupe_key: str | None = None):
    """A select of (home_id, manager user_id) for the active managers of the Homes in `homes` (a
    subquery or table with a `home_id` column — the job's own selection, never a list of ids) who
    hold no notification with `dedupe_key`. When dedupe_key is None, `homes` must carry a
    `dedupe_key` column: the key differs per Home. Ordered by Home, then manager; the statement's
    parameters do not grow with the data (an anti-join, no IN list)."""
    key = homes.c.dedupe_key if dedupe_key is None else sa.literal(dedupe_key)
    done = sa.select(Notification.id).where(Notification.user_id == User.id,
                                            Notification.dedupe_key == key).exists()
    return (sa.select(homes.c.home_id, User.id.label("user_id"))
            .join(Home, Home.id == homes.c.home_id)
            .join(User, User.unit_id == Home.unit_id)
            .where(User.role == Role.HOME_MANAGER, User.active.is_(True), ~done)
            .order_by(homes.c.home_id, User.id))
