"""Writing audit entries (SPEC §5.13, §10): every change, and the security events, in the caller's
transaction, each with time, actor, client address, action, object, result and detail.

Entries are only ever inserted; the commit of the transaction seals them into the hash chain
(services/audit/chain.py). The functions here mark the session so that its commit does that.
"""
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from flask import has_request_context, request

from extensions import db
from models import AuditLog
from models.base import utcnow

_SKIP = {"password_hash", "created_at", "updated_at", "activation_code_hash"}

#: The session.info key that asks the commit to seal this transaction's entries.
UNSEALED = "audit_unsealed"

SUCCESS = "success"
FAILURE = "failure"


def _json_safe(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def client_address() -> str | None:
    """The real client's address (request.remote_addr after ProxyFix trusts PROXY_FIX_X_FOR hops);
    None outside a request (command line, jobs)."""
    if not has_request_context():
        return None
    return (request.remote_addr or "")[:45] or None


def _mark() -> None:
    db.session.info[UNSEALED] = True


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
           reason: str = "", result: str = SUCCESS, detail: dict | None = None) -> None:
    """Append one audit entry, in the caller's transaction.

    actor: the user who acts (None: the command line, a job, or an anonymous caller); obj: the
    object acted on (its table and id; `after` defaults to its current state unless deleting);
    result: "success" or "failure"; detail: JSON-safe facts of the event (the username tried, the
    reason, rows exported …). One INSERT; the commit seals the entry into the hash chain.
    """
    if obj is not None:
        db.session.flush()
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
        if after is None and action != "delete":
            after = snapshot(obj)
    db.session.execute(sa.insert(AuditLog.__table__), {
        "actor_id": getattr(actor, "id", None), "action": action,
        "object_type": object_type or "", "object_id": object_id, "before": before,
        "after": after, "reason": reason, "created_at": utcnow(), "address": client_address(),
        "result": result, "detail": detail})
    _mark()


def record_export(actor, what: str, rows: int, *, object_type: str = "", object_id=None,
                  detail: dict | None = None) -> None:
    """An export or download of personal data: who, what (e.g. "representatives.xlsx") and how many
    rows it held (SPEC §5.13)."""
    record(actor, "export", object_type=object_type or what, object_id=object_id,
           detail={"what": what, "rows": int(rows), **(detail or {})})


def record_download(actor, obj, what: str, *, detail: dict | None = None) -> None:
    """A download of one stored object holding personal data (an activity's photo or PDF): who,
    which object (its table and id) and what it is (SPEC §5.13)."""
    record(actor, "download", object_type=obj.__tablename__, object_id=obj.id,
           detail={"what": what, **(detail or {})})


def snapshot_keys(model) -> list[str]:
    """The keys `snapshot` gives for an object of `model`."""
    return [col.key for col in sa.inspect(model).column_attrs if col.key not in _SKIP]


def json_safe_values(values: dict) -> dict:
    """`values` (column → value) as snapshot would show them, secrets and timestamps left out."""
    return {k: _json_safe(v) for k, v in values.items() if k not in _SKIP}


def record_rows(actor, action: str, object_type: str, rows, *, reason: str = "") -> None:
    """Entries for rows written in bulk — (object_id, after) pairs, or dicts with object_id,
    action, before, after — in one multi-row INSERT."""
    rows = list(rows)
    if not rows:
        return
    now, address, actor_id = utcnow(), client_address(), getattr(actor, "id", None)
    values = []
    for row in rows:
        entry = dict(row) if isinstance(row, dict) else {"object_id": row[0], "after": row[1]}
        values.append({"actor_id": actor_id, "action": entry.get("action", action),
                       "object_type": object_type, "object_id": entry.get("object_id"),
                       "before": entry.get("before"), "after": entry.get("after"),
                       "reason": reason, "created_at": now, "address": address,
                       "result": SUCCESS, "detail": None})
    db.session.execute(sa.insert(AuditLog), values)
    _mark()


def record_many(actor, action: str, objects) -> list[AuditLog]:
    """One entry per object after a batch change: a single flush, then the INSERTs batch."""
    db.session.flush()
    address = client_address()
    entries = [AuditLog(actor_id=getattr(actor, "id", None), action=action,
                        object_type=obj.__tablename__, object_id=obj.id, after=snapshot(obj),
                        address=address, result=SUCCESS)
               for obj in objects]
    db.session.add_all(entries)
    _mark()
    return entries
