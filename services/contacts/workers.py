"""Sci-tech workers (科技工作者): a representative adds, links, edits and unlinks the workers they contact.

A worker may be linked by several representatives; only representatives act here (403 for others),
and a representative edits only workers they linked (others are outside their scope: 404).
One person is one worker (SPEC §3 worker identity):

- the database holds one worker per normalised mobile (uq_workers_mobile); adding or linking a
  worker by a known mobile links the existing one only when the normalised names agree, otherwise
  409 naming `mobile` that shows nothing stored and says the office corrects a misspelt name;
- a worker without a mobile whose normalised name and unit equal one the representative already
  links is that worker (409 "already linked"), decided under a lock on the row of the
  representative's Home — the lock an import of workers into that Home takes too — so that
  concurrent identical requests, and a request racing an import, make one worker.
"""
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import Home, User, Worker, WorkerLink
from models.enums import Role
from services import audit, limits
from services import validation as v
from services.concurrency import lock_id
from services.constraints import is_unique_violation
from services.errors import Collector, Conflict, Forbidden, ValidationFailed
from services.scope import require_role
from services.validation import normalize_name

FIELDS = ("name", "work_unit", "field", "mobile", "email")


def _validate(data: dict) -> dict:
    errors = Collector()
    out = {
        "name": v.text(errors, data, "name", "姓名", max_len=50),
        "work_unit": v.text(errors, data, "work_unit", "工作单位", required=False, max_len=100),
        "field": v.text(errors, data, "field", "从事领域", required=False, max_len=100),
        "mobile": v.mobile(errors, data),
        "email": v.email(errors, data),
    }
    errors.raise_if_any()
    return out


def is_linked(representative_id: int, worker_id: int) -> bool:
    """Whether the representative linked the worker."""
    return db.session.scalar(sa.select(WorkerLink.worker_id).where(
        WorkerLink.representative_id == representative_id,
        WorkerLink.worker_id == worker_id)) is not None


def find_by_mobile(mobile: str) -> Worker | None:
    """The worker with this mobile, written any way normalize_mobile accepts (None when blank)."""
    mobile = v.normalize_mobile(mobile or "")
    if not mobile:
        return None
    return db.session.scalar(sa.select(Worker).where(Worker.mobile == mobile)
                             .order_by(Worker.id).limit(1))


#: The answer to a known mobile under another name: nothing of the stored worker is named.
NAME_MISMATCH = ("该手机号已登记为另一位科技工作者，与填写的姓名不一致。请核对姓名；"
                 "如登记的姓名有误，请联系省科协办公室更正")


def same_person(worker: Worker, name: str) -> bool:
    """Whether `name` is the worker's stored name once both are normalised."""
    return normalize_name(worker.name) == normalize_name(name)


def _require_same_name(worker: Worker, name: str) -> None:
    if not same_person(worker, name):
        raise Conflict(NAME_MISMATCH, {"mobile": [NAME_MISMATCH]})


def _own_twin(actor: User, name: str, work_unit: str) -> Worker | None:
    """A worker the representative links with the same normalised name and work unit."""
    key = (normalize_name(name), normalize_name(work_unit))
    for worker in db.session.scalars(
            sa.select(Worker).join(WorkerLink, WorkerLink.worker_id == Worker.id)
            .where(WorkerLink.representative_id == actor.id).order_by(Worker.id)):
        if (normalize_name(worker.name), normalize_name(worker.work_unit)) == key:
            return worker
    return None


def lock_home_workers(home_id: int) -> None:
    """Serialise "one worker per normalised name and unit" within a Home until the transaction
    ends: every creation of a worker without a mobile in the Home (a representative's form or API
    call, an import's commit) locks the Home's row before it searches for a twin."""
    lock_id(Home, home_id)


def _count_attempt(actor: User) -> None:
    """One more worker added or linked by the representative (WORKER_CREATE_RATE_LIMIT, 429)."""
    limits.hit("WORKER_CREATE_RATE_LIMIT", DEFAULT_CREATE_LIMIT, "worker_create", str(actor.id),
               "添加或关联科技工作者过于频繁，请稍后再试；大批名单请由管理员通过导入完成")


#: Enough for entering a meeting's attendees by hand, far below probing mobiles one by one.
DEFAULT_CREATE_LIMIT = "60 per hour;300 per day"


def _link(actor: User, worker: Worker) -> None:
    if is_linked(actor.id, worker.id):
        raise Conflict("您已关联该科技工作者", {"mobile": ["您已关联该科技工作者"]})
    db.session.add(WorkerLink(representative_id=actor.id, worker_id=worker.id))
    db.session.flush()
    audit.record(actor, "link", object_type="worker_links", object_id=worker.id,
                 after={"representative_id": actor.id, "worker_id": worker.id})


def create_worker(actor: User, data: dict) -> Worker:
    """Add a worker and link it to the representative; returns the worker linked.

    - A mobile already registered: that worker is linked when the normalised names agree, else
      Conflict naming `mobile` (NAME_MISMATCH: nothing stored is shown).
    - No mobile: a worker the representative already links with the same normalised name and
      work unit answers 409 (already linked) instead of a second person; the check runs under a
      lock on the Home's row (lock_home_workers), so concurrent identical requests — and an
      import of workers into the same Home — make one worker.
    - A worker the representative already linked answers 409.
    - RateLimited (429) over WORKER_CREATE_RATE_LIMIT per representative (links count too).

    Under concurrency the unique mobile decides: the INSERT runs in a savepoint, and when another
    request has just stored the same mobile, the savepoint is rolled back and that worker is
    linked instead (same name rule; the link's primary key answers 409 to a representative racing
    with themself).
    """
    require_role(actor, Role.REPRESENTATIVE)
    _count_attempt(actor)
    values = _validate(data)
    existing = find_by_mobile(values["mobile"]) if values["mobile"] else None
    if existing is not None:
        _require_same_name(existing, values["name"])
        _link(actor, existing)
        return existing
    if not values["mobile"]:
        lock_home_workers(actor.home_id)
        twin = _own_twin(actor, values["name"], values["work_unit"])
        if twin is not None:
            message = "您已关联同名同单位的科技工作者"
            raise Conflict(message, {"name": [message]})
    worker = Worker(created_by_id=actor.id, **values)
    try:
        with db.session.begin_nested():
            db.session.add(worker)
            db.session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error, "uq_workers_mobile"):
            raise
        existing = find_by_mobile(values["mobile"])  # committed by the request that won
        if existing is None:
            raise
        _require_same_name(existing, values["name"])
        _link(actor, existing)
        return existing
    audit.record(actor, "create", worker)
    _link(actor, worker)
    return worker


def link_by_mobile(actor: User, mobile: str, name: str) -> Worker:
    """Link an existing worker found by mobile and confirmed by name (SPEC §3 worker identity).

    ValidationFailed naming `mobile` / `name` (blank, malformed, no such mobile); Conflict naming
    `mobile` when the normalised names differ (NAME_MISMATCH) or the worker is already linked.
    """
    require_role(actor, Role.REPRESENTATIVE)
    _count_attempt(actor)
    errors = Collector()
    value = v.mobile(errors, {"mobile": mobile}, required=True)
    name = v.text(errors, {"name": name}, "name", "姓名", max_len=50)
    errors.raise_if_any()
    worker = find_by_mobile(value)
    if worker is None:
        raise ValidationFailed({"mobile": ["未找到使用该手机号的科技工作者，请直接新增"]})
    _require_same_name(worker, name)
    _link(actor, worker)
    return worker


def update_worker(actor: User, worker: Worker, data: dict) -> Worker:
    """Edit a worker the representative linked; absent fields keep their values."""
    require_role(actor, Role.REPRESENTATIVE)
    if not is_linked(actor.id, worker.id):
        raise Forbidden("只能修改您已关联的科技工作者")
    merged = {f: getattr(worker, f) for f in FIELDS}
    merged.update({k: data[k] for k in FIELDS if k in data})
    values = _validate(merged)
    if values["mobile"] and values["mobile"] != worker.mobile:
        other = find_by_mobile(values["mobile"])
        if other is not None and other.id != worker.id:
            raise Conflict("该手机号已登记为其他科技工作者", {"mobile": ["该手机号已登记为其他科技工作者"]})
    before = audit.snapshot(worker)
    for key, value in values.items():
        setattr(worker, key, value)
    audit.record(actor, "update", worker, before=before)
    return worker


def unlink_worker(actor: User, worker: Worker) -> None:
    """Remove the representative's link to a worker (the contact records stay as history)."""
    require_role(actor, Role.REPRESENTATIVE)
    # A conditional DELETE: of two unlinks at once, the one that removes no row answers 409.
    removed = db.session.execute(sa.delete(WorkerLink).where(
        WorkerLink.representative_id == actor.id, WorkerLink.worker_id == worker.id)).rowcount
    if not removed:
        raise Conflict("您未关联该科技工作者")
    audit.record(actor, "unlink", object_type="worker_links", object_id=worker.id,
                 before={"representative_id": actor.id, "worker_id": worker.id})
