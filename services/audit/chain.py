"""The SHA-256 hash chain of the audit log (SPEC §5.13).

Each entry's `hash` = SHA-256 over the previous entry's hash and the entry's canonical content
(`content`), in `seq` order. Entries are inserted unsealed (seq and hash NULL) during a
transaction; just before it commits, `seal` takes one short lock (a PostgreSQL transaction-level
advisory lock; SQLite already holds its single writer lock), reads the head of the chain, and
gives this transaction's entries the next seqs and their hashes in one UPDATE — the transaction's
last statement, so audited writes do not queue behind each other for longer than that, and
concurrent writers cannot fork the chain. On PostgreSQL the table's trigger allows only this one
UPDATE (NULL seq/hash to values, nothing else changed).
"""
import hashlib
import json
from datetime import UTC

import sqlalchemy as sa

from models import AuditLog

#: The advisory lock key of the chain (any constant unique in the application).
CHAIN_LOCK = 7_401_513_020
#: The "previous hash" of the first entry.
GENESIS = "0" * 64
UNSEALED = "audit_unsealed"  # services/audit/record.py marks it

_T = AuditLog.__table__
#: The columns the hash covers, in a fixed order.
HASHED = ("id", "seq", "created_at", "actor_id", "address", "action", "object_type", "object_id",
          "result", "detail", "before", "after", "reason")


def _json(value):
    if hasattr(value, "isoformat"):
        if getattr(value, "tzinfo", None) is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    return str(value)


def content(row) -> str:
    """The canonical text of an entry (a row mapping with the HASHED columns): sorted-key JSON."""
    return json.dumps({key: row[key] for key in HASHED}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=_json)


def entry_hash(row, previous: str) -> str:
    """SHA-256 (hex) over the previous entry's hash and this entry's canonical content."""
    return hashlib.sha256((previous + content(row)).encode()).hexdigest()


def _columns():
    return [_T.c[key] for key in HASHED if key != "seq"]


def head(conn) -> tuple[int, str]:
    """(seq, hash) of the last sealed entry, or (0, GENESIS) on an empty log."""
    row = conn.execute(sa.select(_T.c.seq, _T.c.hash).where(_T.c.seq.is_not(None))
                       .order_by(_T.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def seal(session) -> int:
    """Seal the unsealed entries this transaction wrote into the chain; returns how many.

    Called by the session's before_commit hook (install); takes the chain lock, so two
    transactions never give out the same seq or extend the same head.
    """
    session.flush()
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK)))
    rows = conn.execute(sa.select(*_columns()).where(_T.c.seq.is_(None))
                        .order_by(_T.c.id)).mappings().all()
    if not rows:
        return 0
    seq, previous = head(conn)
    params = []
    for row in rows:
        seq += 1
        entry = {**row, "seq": seq}
        previous = entry_hash(entry, previous)
        params.append({"b_id": row["id"], "b_seq": seq, "b_hash": previous})
    conn.execute(_T.update().where(_T.c.id == sa.bindparam("b_id"))
                 .values(seq=sa.bindparam("b_seq"), hash=sa.bindparam("b_hash")), params)
    return len(rows)


def _before_commit(session):
    if session.info.pop(UNSEALED, False):
        seal(session)


def _after_rollback(session):
    session.info.pop(UNSEALED, None)


def install() -> None:
    """Seal audit entries at every commit of every ORM session (idempotent)."""
    from sqlalchemy.orm import Session

    if not sa.event.contains(Session, "before_commit", _before_commit):
        sa.event.listen(Session, "before_commit", _before_commit)
        sa.event.listen(Session, "after_soft_rollback", _after_rollback_soft)


def _after_rollback_soft(session, previous_transaction):
    if previous_transaction.parent is None:
        _after_rollback(session)
