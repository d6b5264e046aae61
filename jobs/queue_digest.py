"""queue_digest (daily 08:30): tell managers what has waited in their verification queue (SPEC §7).

For the as-of date d, an activity waits when its status is still `submitted` and it was submitted
3 or more calendar days before d (Asia/Shanghai): its submission date ≤ d − 3, i.e. submitted_at
before the start of d − 2 in Shanghai. Each active manager of a Home with such activities gets one
message per as-of date (dedupe key `queue_digest:<d>`); a Home with none gets no message.
"""
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from extensions import db
from jobs.common import already_notified, link_to, managers_by_home
from models import Activity
from models.enums import ActivityStatus
from services.clock import SHANGHAI, local
from services.notifications import announce, home_owner, notify

KIND = "queue_digest"
WAIT_DAYS = 3


def cutoff(today: date) -> datetime:
    """The first instant (UTC) that is NOT 3 calendar days before `today` in Shanghai."""
    return datetime.combine(today - timedelta(days=WAIT_DAYS - 1), time(), SHANGHAI).astimezone(UTC)


def waiting_by_home(today: date) -> dict[int, tuple[int, datetime]]:
    """{home_id: (activities waiting, oldest submitted_at)} — one grouped query."""

    rows = db.session.execute(
        sa.select(Activity.home_id, sa.func.count(Activity.id), sa.func.min(Activity.submitted_at))
        .where(Activity.status == ActivityStatus.SUBMITTED,
               Activity.submitted_at.is_not(None), Activity.submitted_at < cutoff(today))
        .group_by(Activity.home_id))
    return {home_id: (int(n), oldest) for home_id, n, oldest in rows}


def run(today: date) -> dict:
    """Notify each manager of a Home with waiting activities, once per as-of date."""

    waiting = waiting_by_home(today)
    managers = managers_by_home(waiting)
    key = f"{KIND}:{today.isoformat()}"
    done = already_notified(key, [m.id for ms in managers.values() for m in ms])
    link = link_to("activities.queue")
    notified = 0
    for home_id, (count, oldest) in waiting.items():
        for manager in managers.get(home_id, []):
            if manager.id in done:
                continue
            notify(manager, KIND, f"审核队列中有 {count} 项活动已等待 {WAIT_DAYS} 天以上",
                   f"截至{today.isoformat()}，有 {count} 项活动提交已满 {WAIT_DAYS} 天仍待审核，"
                   f"最早一项提交于{local(oldest).date().isoformat()}。请及时审核。",
                   link=link, dedupe_key=key, checked=True,
                   counts={"count": count, "days": WAIT_DAYS})
            done.add(manager.id)
            notified += 1
        announce(home_owner(home_id), KIND, link, {"count": count, "days": WAIT_DAYS}, key)
    return {"homes_waiting": len(waiting), "activities_waiting": sum(n for n, _ in waiting.values()),
            "notified": notified}
