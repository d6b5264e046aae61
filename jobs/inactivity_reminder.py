"""inactivity_reminder (Mondays 08:00): remind representatives with no activity in INACTIVITY_DAYS.

A representative is inactive when no activity they organised or co-organised (any status but
draft) is dated in [as-of − INACTIVITY_DAYS, as-of]. One reminder per representative per ISO week.
"""
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from extensions import db
from jobs.common import already_notified, iso_week, link_to
from models import Activity, Home, User, activity_co_organizers
from models.enums import ActivityStatus, HomeStatus, Role
from services.notifications import notify

KIND = "inactivity_reminder"


def inactive_representatives(today: date, days: int):
    """Active representatives of active Homes without a non-draft activity in the window — one query."""

    since = today - timedelta(days=days)
    in_window = sa.and_(Activity.status != ActivityStatus.DRAFT,
                        Activity.date >= since, Activity.date <= today)
    organised = sa.select(Activity.id).where(Activity.organizer_id == User.id, in_window)
    co_organised = (sa.select(Activity.id)
                    .join(activity_co_organizers, activity_co_organizers.c.activity_id == Activity.id)
                    .where(activity_co_organizers.c.user_id == User.id, in_window))
    return list(db.session.scalars(
        sa.select(User).join(Home, Home.id == User.home_id)
        .where(User.role == Role.REPRESENTATIVE, User.active.is_(True),
               Home.status == HomeStatus.ACTIVE,
               ~organised.exists(), ~co_organised.exists())
        .order_by(User.id)))


def run(today: date) -> dict:
    """Notify each inactive representative once for the as-of week."""

    days = int(current_app.config.get("INACTIVITY_DAYS", 60))
    reps = inactive_representatives(today, days)
    key = f"{KIND}:{iso_week(today)}"
    done = already_notified(key, [rep.id for rep in reps])
    link = link_to("activities.new", link_to("rep.me"))
    notified = 0
    for rep in reps:
        if rep.id in done:
            continue
        notify(rep, KIND, f"您已有 {days} 天没有开展活动",
               f"自{(today - timedelta(days=days)).isoformat()}以来，您没有组织或参与组织活动。"
               "欢迎围绕党建、窗口、邻里、创新四个主题开展活动并及时记录。",
               link=link, dedupe_key=key, checked=True, counts={"days": days})
        notified += 1
    return {"inactive": len(reps), "notified": notified, "window_days": days}
