"""queue_digest (daily 08:30): tell managers what has waited in their verification queue (SPEC §7).

For the as-of date d, an activity waits when its status is still `submitted` and it was submitted
3 or more calendar days before d (Asia/Shanghai): its submission date ≤ d − 3, i.e. submitted_at
before the start of d − 2 in Shanghai. Each active manager of a Home with such activities gets one
message per as-of date (dedupe key `queue_digest:<d>`); a Home with none gets no message.
"""
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from extensions import db
from jobs.common import link_to, unnotified_managers
from models import Activity
from models.enums import ActivityStatus
from services.clock import SHANGHAI, local
from services.notifications import announce, home_owner, notify

KIND = "queue_digest"
WAIT_DAYS = 3


def cutoff(today: date) -> datetime:
    """The first instant (UTC) that is NOT 3 calendar days before `today` in Shanghai."""
    return datetime.combine(today - timedelta(days=WAIT_DAYS - 1), time(), SHANGHAI).astimezone(UTC)


def waiting(today: date) -> sa.Select:
    """A select of the Homes with waiting activities: (home_id, waiting, oldest submitted_at)."""
    return (sa.select(Activity.home_id.label("home_id"), sa.func.count(Activity.id).label("waiting"),
                      sa.func.min(Activity.submitted_at).label("oldest"))
            .where(Activity.status == ActivityStatus.SUBMITTED,
                   Activity.submitted_at.is_not(None), Activity.submitted_at < cutoff(today))
            .group_by(Activity.home_id))


def run(today: date) -> dict:
    """Notify each manager of a Home with waiting activities, once per as-of date; the Home's
    group robots once. Reads the Homes once and the managers still to notify with an anti-join:
    no statement carries a list that grows with the data."""

    by_home = {home_id: (int(n), oldest)
               for home_id, n, oldest in db.session.execute(waiting(today).order_by("home_id"))}
    key = f"{KIND}:{today.isoformat()}"
    link = link_to("activities.queue")
    notified = 0
    if by_home:
        for home_id, manager_id in db.session.execute(
                unnotified_managers(waiting(today).subquery("waiting"), key)).all():
            count, oldest = by_home[home_id]
            notify(manager_id, KIND, f"审核队列中有 {count} 项活动已等待 {WAIT_DAYS} 天以上",
                   f"截至{today.isoformat()}，有 {count} 项活动提交已满 {WAIT_DAYS} 天仍待审核，"
                   f"最早一项提交于{local(oldest).date().isoformat()}。请及时审核。",
                   link=link, dedupe_key=key, checked=True,
                   counts={"count": count, "days": WAIT_DAYS})
            notified += 1
    for home_id, (count, _) in by_home.items():
        announce(home_owner(home_id), KIND, link, {"count": count, "days": WAIT_DAYS}, key)
    return {"homes_waiting": len(by_home), "activities_waiting": sum(n for n, _ in by_home.values()),
            "notified": notified}
