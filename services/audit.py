"""The audit log: every change to activities, applications, assessments, homes and accounts."""
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa

from extensions import db
from models import AuditLog
from models.base import utcnow

_SKIP = {"password_hash", "created_at", "updated_at", "otp_secret", "otp_pending_secret"}


def _json_safe(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(obj) -> dict:
    """The object's column values as JSON-safe data (secrets left out)."""
    mapper = sa.inspect(obj).mapper
    return {
        col.key: _json_safe(getattr(obj, col.key))
        for col in mapper.column_attrs
        if col.key not in _SKIP
    }


def record(actor, action: str, obj=None, *, before: dict | None = None, after: dict | None = None,
           object_type: str | None = None, object_id: int | None = None,
           reason: str = "") -> None:
    """Append one audit entry, in the caller's transaction; `after` defaults to the object's
    current state. One INSERT at once (no object for the unit of work to track: nothing reads
    an entry back in the request that writes it)."""
    if obj is not None:
        db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
        if after is None and action != "delete":
            after = snapshot(obj)
    db.session.execute(sa.insert(AuditLog.__table__), {
        "actor_id": getattr(actor, "id", None), "action": action,
        "object_type": object_type or "", "object_id": object_id, "before": before,
        "after": after, "reason": reason})


def snapshot_keys(model) -> list[str]:
    """The keys `snapshot` gives for an object of `model`."""
    return [col.key for col in sa.inspect(model).column_attrs if col.key not in _SKIP]


def json_safe_values(values: dict) -> dict:
    """`values` (column → value) as snapshot would show them, secrets and timestamps left out."""
    return {k: _json_safe(v) for k, v in values.items() if k not in _SKIP}


def record_rows(actor, action: str, object_type: str, rows) -> None:
    """Entries for rows written in bulk, (object_id, after) each — one multi-row INSERT."""
    rows = list(rows)
    if rows:
        now = utcnow()
        db.session.execute(sa.insert(AuditLog), [
            {"actor_id": getattr(actor, "id", None), "action": action,
             "object_type": object_type, "object_id": object_id, "after": after,
             "reason": "", "created_at": now} for object_id, after in rows])


def record_many(actor, action: str, objects) -> list[AuditLog]:
    """One entry per object after a batch change: a single flush, then the INSERTs batch."""
    db.session.flush()
    entries = [AuditLog(actor_id=getattr(actor, "id", None), action=action,
                        object_type=obj.__tablename__, object_id=obj.id, after=snapshot(obj))
               for obj in objects]
    db.session.add_all(entries)
    return entries
