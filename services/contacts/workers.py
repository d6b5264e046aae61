"""Sci-tech workers (科技工作者): a representative adds, links, edits and unlinks the workers they contact.

A worker may be linked by several representatives; only representatives act here (403 for others),
and a representative edits only workers they linked (others are outside their scope: 404).
One person is one worker: the database holds one worker per normalised mobile (uq_workers_mobile),
and adding a worker whose mobile is known links the existing one, even when requests race.
"""
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import User, Worker, WorkerLink
from models.enums import Role
from services import audit
from services import validation as v
from services.constraints import is_unique_violation
from services.errors import Collector, Conflict, Forbidden, ValidationFailed
from services.scope import require_role

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


def _link(actor: User, worker: Worker) -> None:
    if is_linked(actor.id, worker.id):
        raise Conflict("您已关联该科技工作者", {"mobile": ["您已关联该科技工作者"]})
    db.session.add(WorkerLink(representative_id=actor.id, worker_id=worker.id))
    db.session.flush()
    audit.record(actor, "link", object_type="worker_links", object_id=worker.id,
                 after={"representative_id": actor.id, "worker_id": worker.id})


def create_worker(actor: User, data: dict) -> Worker:
    """Add a worker and link it to the representative.

    When a worker with the same mobile already exists, that worker is linked instead of creating a
    duplicate person; a worker the representative already linked answers 409.

    Under concurrency the unique mobile decides: the INSERT runs in a savepoint, and when another
    request has just stored the same mobile, the savepoint is rolled back and that worker is
    linked instead (the link's primary key answers 409 to a representative racing with themself).
    """
    require_role(actor, Role.REPRESENTATIVE)
    values = _validate(data)
    existing = find_by_mobile(values["mobile"]) if values["mobile"] else None
    if existing is not None:
        _link(actor, existing)
        return existing
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
        _link(actor, existing)
        return existing
    audit.record(actor, "create", worker)
    _link(actor, worker)
    return worker


def link_by_mobile(actor: User, mobile: str) -> Worker:
    """Link an existing worker found by their exact mobile."""
    require_role(actor, Role.REPRESENTATIVE)
    errors = Collector()
    value = v.mobile(errors, {"mobile": mobile}, required=True)
    errors.raise_if_any()
    worker = find_by_mobile(value)
    if worker is None:
        raise ValidationFailed({"mobile": ["未找到使用该手机号的科技工作者，请直接新增"]})
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
