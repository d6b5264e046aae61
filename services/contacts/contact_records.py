"""Contact records (联系记录) entered by hand by a representative.

Records with channel `activity` are created and removed by activities (SPEC §5.1); they cannot be
entered or deleted here. A worker the representative has not linked — whether it exists or not —
answers 422 naming `worker_id` (the same message either way, so nothing about other representatives'
workers is revealed).
"""
from datetime import date

import sqlalchemy as sa

from extensions import db
from models import ContactRecord, User, WorkerLink
from models.enums import ContactChannel, Role
from services import audit, clock, summaries
from services import validation as v
from services.errors import Collector, Conflict, Forbidden
from services.scope import require_role
from services.years import FILTER_YEARS

EARLIEST = date(FILTER_YEARS.first, 1, 1)  # the first year any list can show
SUMMARY_MAX = 2000
MANUAL_CHANNELS = [c for c in ContactChannel if c != ContactChannel.ACTIVITY]


def create_contact(actor: User, data: dict) -> ContactRecord:
    """Record one contact with a worker the representative linked."""
    require_role(actor, Role.REPRESENTATIVE)
    errors = Collector()
    worker_id = v.integer(errors, data, "worker_id", "科技工作者", minimum=1)
    if worker_id is not None and db.session.scalar(sa.select(WorkerLink.worker_id).where(
            WorkerLink.representative_id == actor.id, WorkerLink.worker_id == worker_id)) is None:
        errors.add("worker_id", "只能为您已关联的科技工作者记录联系")
    day = v.a_date(errors, data, "date", "联系日期", earliest=EARLIEST, latest=clock.today())
    channel = v.choice(errors, data, "channel", "联系方式", ContactChannel)
    if channel == ContactChannel.ACTIVITY:
        errors.add("channel", "“活动”方式的联系记录由活动自动生成，请选择走访、电话、网络或会议")
    summary = v.text(errors, data, "summary", "联系内容", required=False, max_len=SUMMARY_MAX)
    errors.raise_if_any()
    record = ContactRecord(representative_id=actor.id, worker_id=worker_id, date=day,
                           channel=channel, summary=summary)
    db.session.add(record)
    summaries.contacts_changed(added=[summaries.contact_key(record)])
    audit.record(actor, "create", record)
    return record


def delete_contact(actor: User, record: ContactRecord) -> None:
    """Delete one of the representative's own manual records (activity ones go with the activity)."""
    require_role(actor, Role.REPRESENTATIVE)
    if record.representative_id != actor.id:
        raise Forbidden("只能删除自己的联系记录")
    if record.activity_id is not None or record.channel == ContactChannel.ACTIVITY:
        raise Conflict("由活动生成的联系记录随活动删除，不能单独删除")
    before = audit.snapshot(record)
    db.session.delete(record)
    db.session.flush()
    summaries.contacts_changed(removed=[summaries.contact_key(record)])
    audit.record(actor, "delete", record, before=before)
