"""Reading the audit log (the audit administrator's viewer, API and export, SPEC §5.13, §8)."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from extensions import db
from models import AuditLog, User
from models.enums import Role
from services.errors import Collector
from services.scope import require_role

SHANGHAI = ZoneInfo("Asia/Shanghai")
RESULTS = ("success", "failure")
#: The most rows one export file holds (SPEC §5.13).
EXPORT_LIMIT = 100_000
MAX_PER_PAGE = 100


def require_auditor(actor) -> None:
    """Forbidden (403) for everyone but the audit administrator (the office included)."""
    require_role(actor, Role.AUDIT_ADMIN)


def _day(errors: Collector, value, field: str, label: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.add(field, f"{label}格式应为 YYYY-MM-DD")
        return None


def parse_filters(args) -> dict:
    """Filters from a query string: from, to (dates, Asia/Shanghai, inclusive), actor_id (a user's
    id, or a username: digits are read as an id), action, object_type, result. ValidationFailed
    names each bad one (an unknown username included)."""
    errors = Collector()
    filters = {}
    for field, label in (("from", "开始日期"), ("to", "结束日期")):
        filters[field] = _day(errors, args.get(field), field, label)
    raw_actor = args.get("actor_id")
    filters["actor_id"] = None
    if raw_actor not in (None, ""):
        raw_actor = str(raw_actor).strip()
        if raw_actor.isdigit() and len(raw_actor) <= 12:
            filters["actor_id"] = int(raw_actor)
        elif not raw_actor or len(raw_actor) > 64:
            errors.add("actor_id", "操作人应填写用户编号或用户名（不超过64个字符）")
        else:
            found = db.session.scalar(sa.select(User.id).where(User.username == raw_actor))
            if found is None:
                errors.add("actor_id", f"操作人：没有用户名为“{raw_actor}”的用户")
            filters["actor_id"] = found
    for field, label in (("action", "操作"), ("object_type", "对象类型")):
        value = (args.get(field) or "").strip()
        if len(value) > 50:
            errors.add(field, f"{label}不能超过50个字符")
        filters[field] = value or None
    result = (args.get("result") or "").strip()
    if result and result not in RESULTS:
        errors.add("result", "结果只能是 success 或 failure")
    filters["result"] = result or None
    errors.raise_if_any()
    return filters


def _where(stmt, filters: dict):
    if filters.get("from"):
        start = datetime.combine(filters["from"], time(), SHANGHAI).astimezone(UTC)
        stmt = stmt.where(AuditLog.created_at >= start)
    if filters.get("to"):
        end = datetime.combine(filters["to"] + timedelta(days=1), time(), SHANGHAI).astimezone(UTC)
        stmt = stmt.where(AuditLog.created_at < end)
    for key in ("actor_id", "action", "object_type", "result"):
        if filters.get(key) is not None:
            stmt = stmt.where(getattr(AuditLog, key) == filters[key])
    return stmt


def _select():
    return (sa.select(AuditLog, User.username, User.name)
            .outerjoin(User, User.id == AuditLog.actor_id))


def list_entries(actor, filters: dict, *, after: int | None = None, per_page: int = 50):
    """(rows, next) — entries newest first, keyset-paged by id: `after` is the last id of the
    previous page; `next` the cursor for the following page or None. Rows are
    (AuditLog, username, name). Only the audit administrator (403 otherwise)."""
    require_auditor(actor)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    stmt = _where(_select(), filters)
    if after is not None:
        stmt = stmt.where(AuditLog.id < after)
    rows = db.session.execute(stmt.order_by(AuditLog.id.desc()).limit(per_page + 1)).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    return rows, (rows[-1][0].id if more and rows else None)


def export_entries(actor, filters: dict):
    """(rows, truncated): the filtered entries, newest first, at most EXPORT_LIMIT of them (read in
    batches); `truncated` says the range held more. The export itself is audited by the caller's
    record_export. Only the audit administrator (403 otherwise)."""
    require_auditor(actor)
    stmt = _where(_select(), filters).order_by(AuditLog.id.desc()).limit(EXPORT_LIMIT + 1)
    rows = db.session.execute(stmt.execution_options(yield_per=2000)).all()
    truncated = len(rows) > EXPORT_LIMIT
    return rows[:EXPORT_LIMIT], truncated


def entry_detail(entry: AuditLog) -> dict:
    """What an entry says beyond its columns: its detail, and the before/after/reason of a change."""
    out = dict(entry.detail or {})
    for key in ("before", "after"):
        if getattr(entry, key) is not None:
            out[key] = getattr(entry, key)
    if entry.reason:
        out["reason"] = entry.reason
    return out
