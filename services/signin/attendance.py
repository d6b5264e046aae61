"""Reading an activity's attendance (SPEC §5.9): the list with mobiles masked per §4, the counts
beside 参与人数, and the flag for a 参与人数 far above the sign-ins.

Counts are read in one grouped query for any number of activities (queue, 台账). An activity
whose sign-in was never opened has no count (None): only opened sign-ins are evidence.
"""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from extensions import db
from models import Activity, ActivitySignin, Attendee
from models.enums import ActivityStatus
from services import clock
from services.privacy import mask_mobile
from services.signin.permissions import sees_full_mobile

#: What the attendance list says of a worker attendee (Attendee.worker_note).
WORKER_NOTES = {
    "linked": "已关联为科技工作者",
    "created": "已登记为新的科技工作者并关联",
    "name_mismatch": "手机号已登记在另一姓名下，未关联",
    "": "",
}
CLEARED = "（已按保存期限清除）"

#: 参与人数 is "far above" the sign-ins when it is more than FAR_FACTOR times the sign-ins and
#: exceeds them by at least FAR_MARGIN people (a few latecomers are no cause for a second look).
FAR_FACTOR = 2
FAR_MARGIN = 10


def far_above(participants: int | None, signed: int | None, *, settled: bool = True) -> bool:
    """Whether the declared 参与人数 is far above the sign-ins (False without a sign-in or a figure).

    settled: whether the count is final enough to compare — the sign-in has closed (or ended), or
    the activity was submitted; while people may still sign in to a draft it is never flagged."""
    if not settled or signed is None or participants is None:
        return False
    return participants > FAR_FACTOR * signed and participants - signed >= FAR_MARGIN


def counts_for(activity_ids) -> dict[int, int]:
    """{activity_id: attendees} for those of the activities whose sign-in was opened — one query."""
    ids = sorted({int(i) for i in activity_ids})
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(ActivitySignin.activity_id, sa.func.count(Attendee.id))
        .outerjoin(Attendee, Attendee.activity_id == ActivitySignin.activity_id)
        .where(ActivitySignin.activity_id.in_(ids))
        .group_by(ActivitySignin.activity_id))
    return {activity_id: int(n) for activity_id, n in rows}


def settled_ids(activities, now: datetime | None = None) -> set[int]:
    """The ids of `activities` (loaded Activity objects) whose sign-in count is settled for the
    far-above flag: submitted (any status but draft), or their sign-in no longer open — one query."""
    items = list(activities)
    drafts = sorted({a.id for a in items if a.status == ActivityStatus.DRAFT})
    still_open = set()
    if drafts:
        still_open = set(db.session.scalars(sa.select(ActivitySignin.activity_id).where(
            ActivitySignin.activity_id.in_(drafts), ActivitySignin.closed_at.is_(None),
            ActivitySignin.closes_at >= (now or clock.now()))))
    return {a.id for a in items} - still_open


def attendees_of(activity: Activity) -> list[Attendee]:
    """The activity's attendees in sign-in order."""
    return list(db.session.scalars(sa.select(Attendee).where(Attendee.activity_id == activity.id)
                                   .order_by(Attendee.attendee_no)))


@dataclass(frozen=True)
class AttendanceRow:
    """One attendee as `viewer` may see them."""

    attendee_no: int
    name: str
    work_unit: str
    field: str
    mobile: str
    is_worker: bool
    proxy: bool
    note: str
    signed_at: datetime


def attendance(viewer, activity: Activity) -> dict:
    """{count, workers, items: [AttendanceRow]} of the activity as `viewer` may see it.

    `workers` counts the attendees linked to a sci-tech worker of the activity; mobiles are whole
    for the organiser and provincial admins, masked (138****5678) for everyone else. The caller
    loaded the activity through the scope (404 outside it).
    """
    full = sees_full_mobile(viewer, activity)
    items = []
    workers = 0
    for a in attendees_of(activity):
        workers += a.worker_id is not None
        mobile = a.mobile or ""
        items.append(AttendanceRow(
            attendee_no=a.attendee_no, name=a.name if a.cleared_at is None else CLEARED,
            work_unit=a.work_unit, field=a.field, mobile=mobile if full else mask_mobile(mobile),
            is_worker=a.is_worker, proxy=a.proxy, note=WORKER_NOTES.get(a.worker_note, ""),
            signed_at=a.signed_at))
    return {"count": len(items), "workers": workers, "items": items}


def summary_counts(activity_id: int) -> dict:
    """The counts the closing audit entry records: attendees, worker attendees, linked, new
    workers, mobiles under another name, 代签."""
    row = db.session.execute(sa.select(
        sa.func.count(Attendee.id),
        sa.func.count(Attendee.id).filter(Attendee.is_worker.is_(True)),
        sa.func.count(Attendee.id).filter(Attendee.worker_note == "linked"),
        sa.func.count(Attendee.id).filter(Attendee.worker_note == "created"),
        sa.func.count(Attendee.id).filter(Attendee.worker_note == "name_mismatch"),
        sa.func.count(Attendee.id).filter(Attendee.proxy.is_(True)),
    ).where(Attendee.activity_id == activity_id)).one()
    keys = ("attendees", "workers", "linked", "new_workers", "name_mismatch", "proxy")
    return {k: int(v) for k, v in zip(keys, row, strict=True)}
