"""Minimum necessary (PIPL): sci-tech workers' mobiles are masked for all but those entitled (SPEC §4)."""
import sqlalchemy as sa

from extensions import db
from models import WorkerLink
from models.enums import Role


def mask_mobile(mobile: str | None) -> str:
    """138****5678 for an 11-digit mobile; short values keep only their last two characters."""
    if not mobile:
        return ""
    if len(mobile) >= 7:
        return f"{mobile[:3]}****{mobile[-4:]}"
    return "*" * (len(mobile) - 2) + mobile[-2:] if len(mobile) > 2 else "**"


def can_see_worker_mobile(user, worker_id: int, linked_ids: set[int] | None = None) -> bool:
    """Provincial admins and the representatives who linked the worker see the whole number."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.PROVINCIAL_ADMIN:
        return True
    if user.role != Role.REPRESENTATIVE:
        return False
    if linked_ids is not None:
        return worker_id in linked_ids
    return db.session.scalar(sa.select(WorkerLink.worker_id).where(
        WorkerLink.representative_id == user.id, WorkerLink.worker_id == worker_id)) is not None


def linked_worker_ids(user) -> set[int]:
    """The ids of workers the user linked (one query, for lists)."""
    if user is None or getattr(user, "role", None) != Role.REPRESENTATIVE:
        return set()
    return set(db.session.scalars(sa.select(WorkerLink.worker_id).where(
        WorkerLink.representative_id == user.id)))


def shown_mobile(user, worker, linked_ids: set[int] | None = None) -> str:
    """The worker's mobile as this user may see it."""
    if can_see_worker_mobile(user, worker.id, linked_ids):
        return worker.mobile
    return mask_mobile(worker.mobile)
