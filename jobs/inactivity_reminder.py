"""inactivity_reminder (Mondays 08:00): remind representatives with no activity in INACTIVITY_DAYS.

A representative is inactive when no activity they organised or co-organised (any status but
draft) is dated in [as-of − INACTIVITY_DAYS, as-of]. One reminder per representative per ISO week,
written in SQL (no object per representative).
"""
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from extensions import db
from jobs.common import iso_week, link_to
from models import Activity, Home, User, activity_co_organizers
from models.enums import ActivityStatus, HomeStatus, Role
from services.notifications import kind_of, notify_select

KIND = "inactivity_reminder"


def inactive_representatives(today: date, days: int) -> sa.Select:
    """A select of the active representatives of active Homes without a non-draft activity
    (organised or co-organised) dated in [today − days, today]: (user_id,)."""

    since = today - timedelta(days=days)
    in_window = sa.and_(Activity.status != ActivityStatus.DRAFT,
                        Activity.date >= since, Activity.date <= today)
    organised = sa.select(Activity.id).where(Activity.organizer_id == User.id, in_window)
    co_organised = (sa.select(Activity.id)
                    .join(activity_co_organizers, activity_co_organizers.c.activity_id == Activity.id)
                    .where(activity_co_organizers.c.user_id == User.id, in_window))
    return (sa.select(User.id.label("user_id")).join(Home, Home.id == User.home_id)
            .where(User.role == Role.REPRESENTATIVE, User.active.is_(True),
                   Home.status == HomeStatus.ACTIVE,
                   ~organised.exists(), ~co_organised.exists()))


def run(today: date) -> dict:
    """Notify each inactive representative once for the as-of week: one count and one
    `INSERT … SELECT` (services.notifications.notify_select), whatever their number."""

    days = int(current_app.config.get("INACTIVITY_DAYS", 60))
    inactive = inactive_representatives(today, days).subquery("inactive")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(inactive)) or 0
    key = f"{KIND}:{iso_week(today)}"
    body = (f"自{(today - timedelta(days=days)).isoformat()}以来，您没有组织或参与组织活动。"
            "欢迎围绕党建、窗口、邻里、创新四个主题开展活动并及时记录。")
    notified = notify_select(KIND, sa.select(
        inactive.c.user_id,
        sa.literal(f"您已有 {days} 天没有开展活动", sa.String).label("title"),
        sa.literal(body, sa.String).label("body"),
        sa.literal(kind_of(KIND).external_text({"days": days}), sa.String).label("text")),
        dedupe_key=key, link=link_to("activities.new", link_to("rep.me"))) if count else 0
    return {"inactive": count, "notified": notified, "window_days": days}
