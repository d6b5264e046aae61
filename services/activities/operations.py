"""Activities (活动): create, edit, submit, review, delete — with their contact records (SPEC §5.1).

The modules beside this one: permissions.py (who may do what), inputs.py (the fields checked
and applied), contact_sync.py (the SPEC §5.1 contact records an activity makes), attachments.py
(the stored files). Callers reach these operations through the package surface
(`from services import activities`); pages ask the permission predicates through the `can`
template global (blueprints/template_helpers.py).

Callers have already loaded the activity through the scope, so anything the caller cannot see
is a 404 before these functions run. Each operation on an existing activity first locks its row
(services/concurrency.py), so racing requests are served one after the other and the losers
answer 409 with nothing written. Every operation writes its audit entry and keeps the summary
tables (services/summaries/writes.py) in the same transaction.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import Activity, ContactRecord, User
from models.base import utcnow
from models.enums import ActivityStatus, Role
from services import audit, clock, needs, notifications, summaries
from services.activities import attachments as attachment_service
from services.activities.contact_sync import sync_activity_contacts
from services.activities.inputs import FIELDS, apply, current_values, insert_new, validate
from services.activities.joint import notify_joint
from services.activities.permissions import can_delete, can_review, is_manager_of, require_edit
from services.concurrency import hold_people, lock
from services.errors import Collector, Conflict, Forbidden, ValidationFailed
from services.scope import require_role, scoped

S = ActivityStatus


def _state(activity: Activity) -> dict:
    """The activity as its audit entries record it: columns plus the ids of its links."""
    state = audit.snapshot(activity)
    state["worker_ids"] = sorted(w.id for w in activity.workers)
    state["co_organizer_ids"] = sorted(u.id for u in activity.co_organizers)
    state["attachment_ids"] = sorted(a.id for a in activity.attachments)
    return state


def _end_inactivity(activity: Activity) -> None:
    """A non-draft activity dated within the last INACTIVITY_DAYS ends the "N 天没有开展活动"
    reminders of its organiser and co-organisers: they are marked read (one UPDATE)."""
    if activity.status == S.DRAFT:
        return
    days = int(current_app.config.get("INACTIVITY_DAYS", 60))
    day = clock.today()
    if not day - timedelta(days=days) <= activity.date <= day:
        return
    notifications.settle_reminders([activity.organizer_id, *(u.id for u in activity.co_organizers)],
                                   notifications.INACTIVITY_REMINDERS)


def _notify_verified(activity: Activity) -> None:
    """Tell the organiser their activity passed review. The key names the submission, which is
    reviewed once (under the activity's lock, from 待审核 only): one notice per verification."""
    submitted = activity.submitted_at.isoformat() if activity.submitted_at else "-"
    notifications.notify(activity.organizer_id, "activity_verified",
                         f"活动已审核通过：{activity.title}",
                         f"您的活动“{activity.title}”（{activity.date.isoformat()}）已审核通过。",
                         link=f"/me/activities/{activity.id}",
                         dedupe_key=f"activity_verified:{activity.id}:{submitted}", checked=True)


# ---------------------------------------------------------------- operations

def create_activity(actor: User, data: dict, *, submit: bool = True, files=()) -> Activity:
    """A new activity of the actor's Home, organised by the actor; submitted unless `submit` is
    False (draft). Files are checked with the fields, so nothing is written on any error."""
    require_role(actor, Role.REPRESENTATIVE, Role.HOME_MANAGER)
    home_id = actor.scope_home_id
    if home_id is None:
        raise Forbidden("您的单位尚无代表之家，不能记录活动")
    errors = Collector()
    clean = validate(data, organizer=actor, home_id=home_id, errors=errors)
    checked = attachment_service.validate_files(files, 0, errors)
    errors.raise_if_any()
    activity = insert_new(clean, home_id=home_id, organizer_id=actor.id,
                          status=S.SUBMITTED if submit else S.DRAFT)
    if checked:
        attachment_service.store(activity, checked, actor)
    sync_activity_contacts(activity, new=True)
    summaries.activity_changed(None, activity)
    audit.record(actor, "create", activity, after=_state(activity))
    _end_inactivity(activity)
    notify_joint(activity)
    return activity


def update_activity(actor: User, activity: Activity, data: dict, *, submit: bool | None = None,
           files=()) -> Activity:
    """Edit the given fields (others keep their value). `submit` True submits a draft or
    returned activity, False takes a submitted or returned one back to draft."""
    lock(activity)
    require_edit(actor, activity)
    if submit is True and activity.status not in (S.DRAFT, S.RETURNED, S.SUBMITTED):
        raise Conflict("只有草稿或被退回的活动可以提交审核")
    if submit is False and activity.status == S.VERIFIED:
        raise Conflict("已审核的活动不能改回草稿")
    before = _state(activity)
    counted = summaries.activity_part(activity)
    merged = {**current_values(activity), **{k: data[k] for k in FIELDS if k in data}}
    organizer = activity.organizer
    errors = Collector()
    clean = validate(merged, organizer=organizer, home_id=activity.home_id, activity=activity,
                     errors=errors)
    checked = attachment_service.validate_files(files, len(activity.attachments), errors)
    errors.raise_if_any()
    apply(activity, clean)
    if submit is True and activity.status != S.SUBMITTED:
        activity.status = S.SUBMITTED
        activity.submitted_at = utcnow()
    elif submit is False and activity.status != S.DRAFT:
        activity.status = S.DRAFT
    db.session.flush()
    attachment_service.store(activity, checked, actor)
    sync_activity_contacts(activity)
    summaries.activity_changed(counted, activity)
    action = "admin_edit_verified" if before["status"] == S.VERIFIED.value else "update"
    audit.record(actor, action, activity, before=before, after=_state(activity))
    _end_inactivity(activity)
    notify_joint(activity, before_ids=set(before["co_organizer_ids"]))
    return activity


def add_attachments(actor: User, activity: Activity, files) -> list:
    """Attach files to an activity the actor may edit."""
    lock(activity)
    require_edit(actor, activity)
    errors = Collector()
    checked = attachment_service.validate_files(files, len(activity.attachments), errors)
    if not checked and not errors.fields:
        errors.add("attachments", "请选择要上传的附件")
    errors.raise_if_any()
    before = _state(activity)
    created = attachment_service.store(activity, checked, actor)
    db.session.refresh(activity, ["attachments"])
    audit.record(actor, "add_attachments", activity, before=before, after=_state(activity))
    return created


def remove_attachment(actor: User, attachment) -> None:
    """Delete one attachment of an activity the actor may edit."""
    activity = lock(attachment.activity)
    require_edit(actor, activity)
    before = _state(activity)
    attachment_service.delete_attachment(attachment)
    db.session.refresh(activity, ["attachments"])
    audit.record(actor, "remove_attachment", activity, before=before, after=_state(activity))


def submit_activity(actor: User, activity: Activity) -> Activity:
    """Submit a draft or returned activity for verification."""
    lock(activity)
    if activity.organizer_id != actor.id and not is_manager_of(actor, activity):
        raise Forbidden("只有活动组织者或本代表之家管理员可以提交活动")
    if activity.status not in (S.DRAFT, S.RETURNED):
        raise Conflict(f"活动当前状态为“{activity.status.label}”，不能提交")
    before = _state(activity)
    counted = summaries.activity_part(activity)
    # A draft may have been saved long ago: its date and links must still be acceptable.
    validate(current_values(activity), organizer=activity.organizer, home_id=activity.home_id,
             activity=activity)
    activity.status = S.SUBMITTED
    activity.submitted_at = utcnow()
    # The earlier review is history (kept in the audit log, services/activities/history.py): a
    # resubmitted activity has no current verifier or comment until it is reviewed again.
    activity.verifier_id = None
    activity.verified_at = None
    activity.review_comment = ""
    sync_activity_contacts(activity)
    summaries.activity_changed(counted, activity)
    audit.record(actor, "submit", activity, before=before, after=_state(activity))
    _end_inactivity(activity)
    return activity


def review_activity(actor: User, activity: Activity, decision: str, comment: str = "", *,
           locked: bool = False) -> Activity:
    """Verify, or return with a required comment; only a submitted activity can be reviewed
    (one of racing reviews succeeds, the others answer 409). `locked`: the caller holds the lock."""
    require_role(actor, Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
    if not locked:
        lock(activity)
    # The people its contact records and messages will name: their locks before the summary rows.
    hold_people([activity.organizer_id, *(p.id for p in activity.co_organizers)])
    if actor.role == Role.HOME_MANAGER and not is_manager_of(actor, activity):
        raise Forbidden("只能审核本代表之家的活动")
    errors = Collector()
    if decision not in ("verify", "return"):
        errors.add("decision", "审核结论无效，可选：verify（通过）、return（退回）")
    if comment is not None and not isinstance(comment, str):
        errors.add("comment", "审核意见必须是文本")
        comment = ""
    comment = (comment or "").strip()
    if decision == "return" and not comment:
        errors.add("comment", "退回时必须填写退回原因")
    if len(comment) > 2000:
        errors.add("comment", "审核意见不能超过2000个字符")
    errors.raise_if_any()
    if activity.status != S.SUBMITTED:
        raise Conflict(f"只有待审核的活动可以审核（当前状态：{activity.status.label}）")
    before = _state(activity)
    counted = summaries.activity_part(activity)
    activity.verifier_id = actor.id
    activity.verified_at = utcnow()
    activity.review_comment = comment
    if decision == "verify":
        activity.status = S.VERIFIED
        needs.fulfil_by_activity(actor, activity)  # the need it serves is fulfilled (§5.11)
    else:
        activity.status = S.RETURNED
    # 三级联动 as of this verification (SPEC §5.12), kept on the activity for the summaries.
    activity.linked_levels = decision == "verify" and spans_levels(activity)
    sync_activity_contacts(activity)
    summaries.activity_changed(counted, activity)
    audit.record(actor, decision, activity, before=before, after=_state(activity))
    if decision == "return":
        notifications.notify(activity.organizer_id, "activity_returned",
                             f"活动被退回：{activity.title}", f"退回原因：{comment}",
                             link=f"/me/activities/{activity.id}")
    else:
        _notify_verified(activity)
    return activity


def spans_levels(activity: Activity) -> bool:
    """Whether the activity's organiser and co-organisers hold at least two representative levels
    (province, city, county) now — 三级联动 (SPEC §5.12); people without a level count none."""
    people = [activity.organizer, *activity.co_organizers]
    return len({p.level for p in people if p is not None and p.level is not None}) >= 2


def verify_activity(actor: User, activity: Activity, comment: str = "") -> Activity:
    return review_activity(actor, activity, "verify", comment)


def return_activity(actor: User, activity: Activity, comment: str) -> Activity:
    return review_activity(actor, activity, "return", comment)


def verify_activities(actor: User, ids) -> tuple[list[Activity], list[int]]:
    """Verify the submitted activities among `ids` that the actor may review.

    Returns (verified, skipped ids): ids outside the actor's scope or not submitted are skipped.
    """
    require_role(actor, Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
    wanted = []
    for raw in ids or ():
        try:
            wanted.append(int(raw))
        except (TypeError, ValueError):
            continue
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        raise ValidationFailed({"ids": ["请至少选择一个活动"]})
    found = {a.id: a for a in db.session.scalars(
        scoped(Activity, actor).where(Activity.id.in_(wanted)).options(
            sa.orm.selectinload(Activity.workers),
            sa.orm.selectinload(Activity.co_organizers),
            sa.orm.selectinload(Activity.attachments)))}
    done, skipped = [], []
    for activity_id in sorted(wanted):  # lock in id order: two batches cannot deadlock
        activity = found.get(activity_id)
        if activity is not None:
            try:
                lock(activity)
            except Conflict:  # deleted meanwhile
                activity = None
        if activity is None or not can_review(actor, activity):
            skipped.append(activity_id)
            continue
        review_activity(actor, activity, "verify", locked=True)
        done.append(activity)
    return done, skipped


def delete_activity(actor: User, activity: Activity) -> None:
    """Delete an activity with its contact records and attachments (files after commit)."""
    lock(activity)
    if not can_delete(actor, activity):
        if activity.status == S.VERIFIED and activity.organizer_id == actor.id:
            raise Forbidden("活动已审核通过，组织者不能删除")
        raise Forbidden("只有活动组织者、本代表之家管理员或省科协可以删除活动")
    before = _state(activity)
    counted = summaries.activity_part(activity)
    activity_id = activity.id
    removed = db.session.execute(sa.delete(ContactRecord).where(
        ContactRecord.activity_id == activity_id).returning(
        ContactRecord.representative_id, ContactRecord.worker_id, ContactRecord.date)).all()
    summaries.contacts_changed(removed=[tuple(r) for r in removed])
    summaries.activity_changed(counted, None)
    attachment_service.remove_files_after_commit(activity.attachments)
    db.session.delete(activity)
    db.session.flush()
    audit.record(actor, "delete", None, before=before, object_type="activities",
                 object_id=activity_id)
