"""The contact records an activity makes (SPEC §5.1): one per linked worker, for the organiser,
dated on the activity's date, channel `activity` — existing exactly while the activity is
submitted or verified, and counted in the summary tables (services/summaries/writes.py) as they change."""
import sqlalchemy as sa

from extensions import db
from models import Activity, ContactRecord
from models.enums import ActivityStatus, ContactChannel
from services import summaries

COUNTING = {ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED}  # statuses whose workers count


def sync_activity_contacts(activity: Activity, *, new: bool = False) -> None:
    """Make the activity's contact records match its status, organiser, date, title and workers.
    `new` says the activity was just created, so it has no records yet to look up."""
    db.session.flush()
    existing = [] if new else list(db.session.scalars(sa.select(ContactRecord).where(
        ContactRecord.activity_id == activity.id)))
    wanted = {w.id for w in activity.workers} if activity.status in COUNTING else set()
    summary = f"活动：{activity.title}"[:10000]
    have = set()
    added, removed = [], []  # for the summary tables (services/summaries/writes.py)
    for record in existing:
        if (record.worker_id in wanted and record.worker_id not in have
                and record.representative_id == activity.organizer_id):
            have.add(record.worker_id)
            if record.date != activity.date:
                removed.append(summaries.contact_key(record))
                added.append((record.representative_id, record.worker_id, activity.date))
            record.date = activity.date
            record.summary = summary
        else:
            removed.append(summaries.contact_key(record))
            db.session.delete(record)
    missing = sorted(wanted - have)
    db.session.flush()
    if missing:  # one executemany INSERT
        db.session.execute(sa.insert(ContactRecord.__table__), [
            {"representative_id": activity.organizer_id, "worker_id": worker_id,
             "date": activity.date, "channel": ContactChannel.ACTIVITY, "summary": summary,
             "activity_id": activity.id} for worker_id in missing])
        added += [(activity.organizer_id, worker_id, activity.date) for worker_id in missing]
    summaries.contacts_changed(added, removed)
