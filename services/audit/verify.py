"""Checking the audit log's hash chain (`flask audit verify`, SPEC §5.13)."""
from dataclasses import dataclass

import sqlalchemy as sa

from extensions import db
from models import AuditLog
from services.audit.chain import GENESIS, HASHED, entry_hash
from services.audit.record import FAILURE, SUCCESS, record

#: The action that records one verification (its time and result show on the auditor's 待办).
VERIFIED = "audit_verified"

_T = AuditLog.__table__
_BATCH = 2000


@dataclass
class Verdict:
    """The outcome: `checked` entries matched; `bad_id` names the first that does not (None when the
    chain is whole), with `problem` saying how."""

    checked: int
    bad_id: int | None = None
    bad_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_id is None


def verify_chain() -> Verdict:
    """Walk the chain in `seq` order, recomputing each hash from the previous one.

    The first entry whose seq is not the next number (an entry removed before it), or whose stored
    hash differs from the recomputed one (its content or an earlier hash changed), is named. A
    committed entry that was never sealed is named too. Reads in batches of 2,000 by seq (keyset).
    """
    unsealed = db.session.scalar(sa.select(sa.func.min(_T.c.id)).where(_T.c.seq.is_(None)))
    checked, previous, last_seq = 0, GENESIS, 0
    while True:
        rows = db.session.execute(
            sa.select(*[_T.c[k] for k in HASHED], _T.c.hash).where(_T.c.seq > last_seq)
            .order_by(_T.c.seq).limit(_BATCH)).mappings().all()
        if not rows:
            break
        for row in rows:
            if row["seq"] != last_seq + 1:
                return Verdict(checked, row["id"], row["seq"],
                               f"序号不连续：应为 {last_seq + 1}（其前的记录已被删除）")
            expected = entry_hash(row, previous)
            if row["hash"] != expected:
                return Verdict(checked, row["id"], row["seq"], "哈希值与内容不符（记录或其前的链被改动）")
            checked, previous, last_seq = checked + 1, row["hash"], row["seq"]
    if unsealed is not None:
        return Verdict(checked, unsealed, None, "记录未封入哈希链")
    return Verdict(checked)


def record_verification(verdict: Verdict, actor=None) -> None:
    """Append the outcome of a verification as an `audit_verified` entry: result success (whole)
    or failure, detail {checked, bad_id, bad_seq, problem}; `actor` None is the operator's
    `flask audit verify`. The caller commits."""
    record(actor, VERIFIED, object_type="audit_log", object_id=verdict.bad_id,
           result=SUCCESS if verdict.ok else FAILURE,
           detail={"checked": verdict.checked, "bad_id": verdict.bad_id,
                   "bad_seq": verdict.bad_seq, "problem": verdict.problem})
