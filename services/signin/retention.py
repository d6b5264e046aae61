"""How long sign-in data is kept (SPEC §5.9, PIPL minimum necessary), run daily by the
`signin_retention` job.

- The name, mobile, unit and field of an attendee not linked to a sci-tech worker (not a worker,
  or a mobile registered under another name) are cleared SIGNIN_RETENTION_DAYS (default 180)
  days after the activity's date; the row, its number and the 代签 mark stay, so the counts do.
  Linked workers' data lives on as the worker the organiser keeps in contact with.
- A sign-in that ran out (past `closes_at`, never closed by hand) gets its closing audit entry
  with the counts, as a closed one does.
"""
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import Activity, ActivitySignin, Attendee
from services import clock
from services.signin.opening import record_closing

DEFAULT_RETENTION_DAYS = 180


def retention_days() -> int:
    """SIGNIN_RETENTION_DAYS (default 180): days after the activity that unlinked data is kept."""
    try:
        days = int(current_app.config.get("SIGNIN_RETENTION_DAYS") or DEFAULT_RETENTION_DAYS)
    except (TypeError, ValueError):
        days = DEFAULT_RETENTION_DAYS
    return max(days, 1)


def clear_expired(today: date) -> dict:
    """Clear the expired attendees' personal data and summarise ran-out sign-ins (idempotent).

    Returns {"cleared": attendees cleared, "summarised": sign-ins summarised}.
    """
    cutoff = today - timedelta(days=retention_days())
    moment = clock.now()
    expired = sa.select(Activity.id).where(Activity.date <= cutoff)
    cleared = db.session.execute(
        sa.update(Attendee)
        .where(Attendee.activity_id.in_(expired), Attendee.worker_id.is_(None),
               Attendee.cleared_at.is_(None))
        .values(name="", mobile=None, work_unit="", field="", cleared_at=moment)
        .execution_options(synchronize_session=False)).rowcount
    summarised = 0
    ran_out = db.session.scalars(sa.select(ActivitySignin).where(
        ActivitySignin.summary_recorded_at.is_(None), ActivitySignin.closes_at < moment)
        .order_by(ActivitySignin.id))
    for signin in ran_out:
        if signin.closed_at is None:
            signin.closed_at = signin.closes_at
        summarised += record_closing(None, signin)
    return {"cleared": int(cleared or 0), "summarised": summarised}
