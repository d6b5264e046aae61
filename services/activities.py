"""Activities (活动): create, edit, submit, review, delete — with their contact records (SPEC §5.1).

Who may do what (callers have already loaded the activity through the scope, so anything the
caller cannot see is a 404 before these functions run):
- create: a representative for their Home, a manager for their unit's Home (admins: 403);
- edit: the organiser or a manager of the Home while draft/submitted/returned; a verified
  activity is frozen for everyone but a provincial admin, whose edit is audited as such;
- delete: the organiser while not verified, a manager of the Home, an admin;
- submit: the organiser or a manager of the Home, from draft or returned;
- review (verify / return with a comment): a manager of the Home or an admin, submitted only.

Each operation on an existing activity first locks its row (services/concurrency.py), so racing
requests are served one after the other and the losers answer 409 with nothing written.
"""
from datetime import date

import sqlalchemy as sa

from extensions import db
from models import Activity, ContactRecord, User, WorkerLink
from models.base import utcnow
from models.enums import ActivityMode, ActivityStatus, ContactChannel, Kind, Role, Theme, kind_belongs_to
from services import attachments as attachment_service
from services import audit, summaries
from services import validation as v
from services.clock import today
from services.concurrency import lock
from services.errors import Collector, Conflict, Forbidden, ValidationFailed
from services.notifications import notify
from services.scope import require_role

S = ActivityStatus
EDITABLE = {S.DRAFT, S.SUBMITTED, S.RETURNED}
COUNTING = {S.SUBMITTED, S.VERIFIED}  # statuses whose linked workers count as contacts
EARLIEST = date(2000, 1, 1)

LABELS = {
    "theme": "活动主题", "kind": "活动类型", "title": "活动名称", "date": "活动日期",
    "location": "活动地点", "mode": "活动形式", "participants": "参与人数", "summary": "活动内容",
    "worker_ids": "联系的科技工作者", "co_organizer_ids": "联合组织代表", "published": "报道",
    "attachments": "附件",
}
FIELDS = ("theme", "kind", "title", "date", "location", "mode", "participants", "summary",
          "published", "worker_ids", "co_organizer_ids")


# ---------------------------------------------------------------- permissions

def _is_manager_of(user, activity) -> bool:
    return (user.role == Role.HOME_MANAGER and user.scope_home_id is not None
            and user.scope_home_id == activity.home_id)


def can_edit(user, activity) -> bool:
    if user.role == Role.PROVINCIAL_ADMIN:
        return True
    if activity.status not in EDITABLE:
        return False
    return activity.organizer_id == user.id or _is_manager_of(user, activity)


def can_delete(user, activity) -> bool:
    if user.role == Role.PROVINCIAL_ADMIN or _is_manager_of(user, activity):
        return True
    return activity.organizer_id == user.id and activity.status != S.VERIFIED


def can_submit(user, activity) -> bool:
    return (activity.status in (S.DRAFT, S.RETURNED)
            and (activity.organizer_id == user.id or _is_manager_of(user, activity)))


def can_review(user, activity) -> bool:
    return activity.status == S.SUBMITTED and (
        user.role == Role.PROVINCIAL_ADMIN or _is_manager_of(user, activity))


def _require_edit(user, activity):
    if user.role == Role.PROVINCIAL_ADMIN:
        return
    if activity.organizer_id != user.id and not _is_manager_of(user, activity):
        raise Forbidden("只有活动组织者或本代表之家管理员可以修改活动")
    if activity.status == S.VERIFIED:
        raise Forbidden("活动已审核通过，不能再修改")


# ---------------------------------------------------------------- validation

def _id_list(errors: Collector, data: dict, field: str) -> list[int] | None:
    """A list of distinct positive integer ids (strings of digits accepted), or None on error."""
    raw = data.get(field)
    if raw in (None, ""):
        return []
    if isinstance(raw, (str, int)) and not isinstance(raw, bool):
        raw = [raw]
    if not isinstance(raw, (list, tuple)):
        errors.add(field, f"{LABELS[field]}必须是编号列表")
        return None
    ids = []
    for item in raw:
        if isinstance(item, bool):
            item = None
        try:
            number = int(item)
        except (TypeError, ValueError):
            number = None
        if number is None or number < 1 or (isinstance(item, float) and item != number):
            errors.add(field, f"{LABELS[field]}的编号无效：{item}")
            return None
        if number not in ids:
            ids.append(number)
    return ids


def _allowed_worker_ids(organizer: User, home_id: int, ids: list[int]) -> set[int]:
    """Of `ids`, the workers the organiser may link: their own links (a representative) or the
    links of any representative of the Home (a manager)."""
    if not ids:
        return set()
    stmt = sa.select(WorkerLink.worker_id).where(WorkerLink.worker_id.in_(ids))
    if organizer.role == Role.REPRESENTATIVE:
        stmt = stmt.where(WorkerLink.representative_id == organizer.id)
    else:
        stmt = stmt.join(User, User.id == WorkerLink.representative_id).where(
            User.home_id == home_id, User.role == Role.REPRESENTATIVE)
    return set(db.session.scalars(stmt))


def _valid_co_organizers(home_id: int, organizer_id: int, ids: list[int]) -> list[User]:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(User).where(
        User.id.in_(ids), User.role == Role.REPRESENTATIVE, User.active.is_(True),
        User.home_id == home_id, User.id != organizer_id)))


def validate(data: dict, *, organizer: User, home_id: int, activity: Activity | None = None,
             errors: Collector | None = None) -> dict:
    """Check every SPEC §3 field; returns clean values, raising ValidationFailed naming each bad
    field. Workers and co-organisers already on `activity` are kept without a second check."""
    errors = errors or Collector()
    out = {}
    out["theme"] = v.choice(errors, data, "theme", LABELS["theme"], Theme)
    out["kind"] = v.choice(errors, data, "kind", LABELS["kind"], Kind)
    if out["theme"] is not None and out["kind"] is not None and not kind_belongs_to(
            out["theme"], out["kind"]):
        errors.add("kind", f"活动类型“{out['kind'].label}”不属于主题“{out['theme'].label}”")
    out["title"] = v.text(errors, data, "title", LABELS["title"], max_len=200)
    out["date"] = v.a_date(errors, data, "date", LABELS["date"], earliest=EARLIEST,
                           latest=today())
    out["location"] = v.text(errors, data, "location", LABELS["location"], required=False,
                             max_len=200)
    out["mode"] = v.choice(errors, data, "mode", LABELS["mode"], ActivityMode)
    if data.get("participants") in (None, ""):
        out["participants"] = None  # not given: shown as 未填写, counted as 0 in sums
    else:
        out["participants"] = v.integer(errors, data, "participants", LABELS["participants"],
                                        minimum=0, maximum=100000)
    out["summary"] = v.text(errors, data, "summary", LABELS["summary"], max_len=10000)
    if isinstance(data.get("published"), (type(None), bool, str, int)):
        out["published"] = v.boolean(data, "published")
    else:
        errors.add("published", "报道必须是 true 或 false")

    worker_ids = _id_list(errors, data, "worker_ids")
    if worker_ids is not None:
        known = {w.id for w in activity.workers} if activity is not None else set()
        fresh = [i for i in worker_ids if i not in known]
        allowed = _allowed_worker_ids(organizer, home_id, fresh)
        bad = [str(i) for i in fresh if i not in allowed]
        if bad:
            who = "您" if organizer.role == Role.REPRESENTATIVE else "本代表之家的代表"
            errors.add("worker_ids", f"联系的科技工作者中有{who}未关联的人员（编号 {', '.join(bad)}）")
        out["worker_ids"] = worker_ids

    co_ids = _id_list(errors, data, "co_organizer_ids")
    if co_ids is not None:
        if organizer.id in co_ids:
            errors.add("co_organizer_ids", "组织者本人不能同时作为联合组织代表")
        known = {u.id for u in activity.co_organizers} if activity is not None else set()
        fresh = [i for i in co_ids if i not in known and i != organizer.id]
        valid = {u.id for u in _valid_co_organizers(home_id, organizer.id, fresh)}
        bad = [str(i) for i in fresh if i not in valid]
        if bad:
            errors.add("co_organizer_ids",
                       f"联合组织代表必须是本代表之家在职的其他代表（编号 {', '.join(bad)} 不符合）")
        out["co_organizer_ids"] = [i for i in co_ids if i != organizer.id]
    return out


def _current_values(activity: Activity) -> dict:
    return {
        "theme": activity.theme.value, "kind": activity.kind.value, "title": activity.title,
        "date": activity.date, "location": activity.location, "mode": activity.mode.value,
        "participants": activity.participants, "summary": activity.summary,
        "published": activity.published,
        "worker_ids": [w.id for w in activity.workers],
        "co_organizer_ids": [u.id for u in activity.co_organizers],
    }


def _apply(activity: Activity, clean: dict) -> None:
    for key in ("theme", "kind", "title", "date", "location", "mode", "participants", "summary",
                "published"):
        setattr(activity, key, clean[key])
    from models import Worker
    wanted = clean["worker_ids"]
    workers = list(db.session.scalars(sa.select(Worker).where(Worker.id.in_(wanted)))) \
        if wanted else []
    activity.workers = sorted(workers, key=lambda w: wanted.index(w.id))
    co_ids = clean["co_organizer_ids"]
    co = list(db.session.scalars(sa.select(User).where(User.id.in_(co_ids)))) if co_ids else []
    activity.co_organizers = sorted(co, key=lambda u: co_ids.index(u.id))


def _state(activity: Activity) -> dict:
    state = audit.snapshot(activity)
    state["worker_ids"] = sorted(w.id for w in activity.workers)
    state["co_organizer_ids"] = sorted(u.id for u in activity.co_organizers)
    state["attachment_ids"] = sorted(a.id for a in activity.attachments)
    return state


# ---------------------------------------------------------------- contacts (SPEC §5.1)

def sync_activity_contacts(activity: Activity, *, new: bool = False) -> None:
    """Make the activity's contact records exist exactly while it is submitted or verified:
    one per linked worker, for the organiser, dated on the activity's date, channel `activity`.
    `new` says the activity was just created, so it has no records yet to look up."""
    db.session.flush()
    existing = [] if new else list(db.session.scalars(sa.select(ContactRecord).where(
        ContactRecord.activity_id == activity.id)))
    wanted = {w.id for w in activity.workers} if activity.status in COUNTING else set()
    summary = f"活动：{activity.title}"[:10000]
    have = set()
    added, removed = [], []  # for the summary tables (services/summaries.py)
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
        db.session.execute(sa.insert(ContactRecord), [
            {"representative_id": activity.organizer_id, "worker_id": worker_id,
             "date": activity.date, "channel": ContactChannel.ACTIVITY, "summary": summary,
             "activity_id": activity.id} for worker_id in missing])
        added += [(activity.organizer_id, worker_id, activity.date) for worker_id in missing]
    summaries.contacts_changed(added, removed)


# ---------------------------------------------------------------- operations

def create(actor: User, data: dict, *, submit: bool = True, files=()) -> Activity:
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
    # Everything is set before the object joins the session, so one INSERT writes it and its
    # empty collections are known (no lazy loads for a brand-new activity).
    activity = Activity(home_id=home_id, organizer_id=actor.id,
                        status=S.SUBMITTED if submit else S.DRAFT,
                        submitted_at=utcnow() if submit else None, attachments=[])
    _apply(activity, clean)
    db.session.add(activity)
    db.session.flush()
    if checked:
        attachment_service.store(activity, checked, actor)
    sync_activity_contacts(activity, new=True)
    summaries.activity_changed(None, activity)
    audit.record(actor, "create", activity, after=_state(activity))
    return activity


def update(actor: User, activity: Activity, data: dict, *, submit: bool | None = None,
           files=()) -> Activity:
    """Edit the given fields (others keep their value). `submit` True submits a draft or
    returned activity, False takes a submitted or returned one back to draft."""
    lock(activity)
    _require_edit(actor, activity)
    if submit is True and activity.status not in (S.DRAFT, S.RETURNED, S.SUBMITTED):
        raise Conflict("只有草稿或被退回的活动可以提交审核")
    if submit is False and activity.status == S.VERIFIED:
        raise Conflict("已审核的活动不能改回草稿")
    before = _state(activity)
    counted = summaries.activity_part(activity)
    merged = {**_current_values(activity), **{k: data[k] for k in FIELDS if k in data}}
    organizer = activity.organizer
    errors = Collector()
    clean = validate(merged, organizer=organizer, home_id=activity.home_id, activity=activity,
                     errors=errors)
    checked = attachment_service.validate_files(files, len(activity.attachments), errors)
    errors.raise_if_any()
    _apply(activity, clean)
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
    return activity


def add_attachments(actor: User, activity: Activity, files) -> list:
    """Attach files to an activity the actor may edit."""
    lock(activity)
    _require_edit(actor, activity)
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
    _require_edit(actor, activity)
    before = _state(activity)
    attachment_service.delete_attachment(attachment)
    db.session.refresh(activity, ["attachments"])
    audit.record(actor, "remove_attachment", activity, before=before, after=_state(activity))


def submit(actor: User, activity: Activity) -> Activity:
    """Submit a draft or returned activity for verification."""
    lock(activity)
    if activity.organizer_id != actor.id and not _is_manager_of(actor, activity):
        raise Forbidden("只有活动组织者或本代表之家管理员可以提交活动")
    if activity.status not in (S.DRAFT, S.RETURNED):
        raise Conflict(f"活动当前状态为“{activity.status.label}”，不能提交")
    before = _state(activity)
    # A draft may have been saved long ago: its date and links must still be acceptable.
    validate(_current_values(activity), organizer=activity.organizer, home_id=activity.home_id,
             activity=activity)
    activity.status = S.SUBMITTED
    activity.submitted_at = utcnow()
    # The earlier review is history (kept in the audit log, services/review_history.py): a
    # resubmitted activity has no current verifier or comment until it is reviewed again.
    activity.verifier_id = None
    activity.verified_at = None
    activity.review_comment = ""
    sync_activity_contacts(activity)
    audit.record(actor, "submit", activity, before=before, after=_state(activity))
    return activity


def review(actor: User, activity: Activity, decision: str, comment: str = "", *,
           locked: bool = False) -> Activity:
    """Verify, or return with a required comment; only a submitted activity can be reviewed
    (one of racing reviews succeeds, the others answer 409). `locked`: the caller holds the lock."""
    require_role(actor, Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
    if not locked:
        lock(activity)
    if actor.role == Role.HOME_MANAGER and not _is_manager_of(actor, activity):
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
    else:
        activity.status = S.RETURNED
    sync_activity_contacts(activity)
    summaries.activity_changed(counted, activity)
    audit.record(actor, decision, activity, before=before, after=_state(activity))
    if decision == "return":
        notify(activity.organizer_id, "activity_returned", f"活动被退回：{activity.title}",
               f"退回原因：{comment}", link=f"/me/activities/{activity.id}")
    return activity


def verify(actor: User, activity: Activity, comment: str = "") -> Activity:
    return review(actor, activity, "verify", comment)


def return_(actor: User, activity: Activity, comment: str) -> Activity:
    return review(actor, activity, "return", comment)


def bulk_verify(actor: User, ids) -> tuple[list[Activity], list[int]]:
    """Verify the submitted activities among `ids` that the actor may review.

    Returns (verified, skipped ids): ids outside the actor's scope or not submitted are skipped.
    """
    from services.scope import scoped
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
        review(actor, activity, "verify", locked=True)
        done.append(activity)
    return done, skipped


def delete(actor: User, activity: Activity) -> None:
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
