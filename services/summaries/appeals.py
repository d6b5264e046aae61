"""The appeals summary (summary_appeals): appeals per Home × year received
(Asia/Shanghai) × status, and for `resolved` ones × calendar days from received to resolved — so
the dashboards' counts, 办结率 and median days read Homes' rows, not the year's appeals; the
same summed over the Homes (summary_province_appeals) for the whole province.

Writers call `appeal_part(appeal)` before a change and `appeal_changed(before, appeal)` after it
(creation by a representative or through a 代表码, status changes); each change is one atomic
upsert adding ±1. An appeal's Home and received time never change, so nothing else moves a row.
"""
import statistics
from collections import Counter

import sqlalchemy as sa

from extensions import db
from models import Appeal
from models.enums import AppealStatus
from services import clock
from services.summaries.tables import S, V, upsert

#: `days` of a resolved appeal without a resolution time (counted, left out of the median).
NO_DAYS = -1


def appeal_part(appeal) -> tuple | None:
    """(home_id, year, status, days) of the summary row the appeal counts in; None for none."""
    if appeal is None or appeal.created_at is None:
        return None
    received = clock.local(appeal.created_at).date()
    status = str(getattr(appeal.status, "value", appeal.status) or AppealStatus.RECEIVED.value)
    days = 0
    if status == AppealStatus.RESOLVED.value:
        days = ((clock.local(appeal.resolved_at).date() - received).days
                if appeal.resolved_at is not None else NO_DAYS)
    return (appeal.home_id, received.year, status, days)


def appeal_changed(before: tuple | None, appeal) -> None:
    """Apply an appeal's move from its `before` row to the one it counts in now (one upsert;
    nothing when unchanged). Flushes first, so a new appeal has its received time."""
    db.session.flush()
    after = appeal_part(appeal)
    if before == after:
        return
    deltas = Counter()
    if before is not None:
        deltas[before] -= 1
    if after is not None:
        deltas[after] += 1
    rows = [{"home_id": k[0], "year": k[1], "status": k[2], "days": k[3], "appeals": n}
            for k, n in sorted(deltas.items()) if n]
    upsert(S, ("home_id", "year", "status", "days"), ("appeals",), rows)
    province = Counter()
    for key, n in deltas.items():
        province[key[1:]] += n
    upsert(V, ("year", "status", "days"), ("appeals",),
            [{"year": k[0], "status": k[1], "days": k[2], "appeals": n}
             for k, n in sorted(province.items()) if n])


def raw_rows() -> dict:
    """{(home_id, year, status, days): appeals} aggregated from the appeals themselves (the
    received year and days are Asia/Shanghai calendar dates, as `appeal_part` takes them)."""
    out = Counter()
    stmt = sa.select(Appeal.home_id, Appeal.created_at, Appeal.status, Appeal.resolved_at)
    for row in db.session.execute(stmt.execution_options(yield_per=5000)):
        out[appeal_part(row)] += 1
    return dict(out)


def rebuild_appeals() -> None:
    """Replace every summary_appeals and summary_province_appeals row by the raw aggregate (in
    the caller's transaction)."""
    db.session.execute(S.delete())
    db.session.execute(V.delete())
    raw = raw_rows()
    rows = [{"home_id": k[0], "year": k[1], "status": k[2], "days": k[3], "appeals": n}
            for k, n in sorted(raw.items())]
    for i in range(0, len(rows), 5000):
        db.session.execute(S.insert(), rows[i:i + 5000])
    province = _province(raw)
    if province:
        db.session.execute(V.insert(), [{"year": k[0], "status": k[1], "days": k[2],
                                         "appeals": n} for k, n in sorted(province.items())])


def _province(rows: dict) -> dict:
    out = Counter()
    for key, n in rows.items():
        out[key[1:]] += n
    return {k: n for k, n in out.items() if n}


def raw_province_rows() -> dict:
    """{(year, status, days): appeals} aggregated from the appeals themselves."""
    return _province(raw_rows())


def stored_province_rows() -> dict:
    """{(year, status, days): appeals} as stored in summary_province_appeals (0s left out)."""
    return {(y, s, d): int(n) for y, s, d, n in db.session.execute(
        sa.select(V.c.year, V.c.status, V.c.days, V.c.appeals)) if n}


def stored_rows() -> dict:
    """{(home_id, year, status, days): appeals} as stored (rows counting 0 left out)."""
    return {(h, y, s, d): int(n) for h, y, s, d, n in db.session.execute(
        sa.select(S.c.home_id, S.c.year, S.c.status, S.c.days, S.c.appeals)) if n}


# --- Reading ------------------------------------------------------------------------------------

def year_figures(year: int, home_ids=None) -> tuple[dict, float | int | None]:
    """({status: appeals received in `year`}, median days to resolution of the `resolved` ones
    or None) of the Homes `home_ids` (a list or a select; None for all) — one grouped query."""
    table = V if home_ids is None else S  # the province's rows need no grouping of Homes
    stmt = (sa.select(table.c.status, table.c.days, sa.func.sum(table.c.appeals))
            .where(table.c.year == year).group_by(table.c.status, table.c.days))
    if home_ids is not None:
        stmt = stmt.where(S.c.home_id.in_(home_ids))
    counts, days = Counter(), []
    for status, d, n in db.session.execute(stmt):
        counts[status] += int(n or 0)
        if status == AppealStatus.RESOLVED.value and d >= 0 and n:
            days.append((int(d), int(n)))
    return dict(counts), median_of_counts(days)


def median_of_counts(pairs: list[tuple[int, int]]) -> float | int | None:
    """statistics.median of the values each repeated its count times, without expanding them."""
    pairs = sorted((v, n) for v, n in pairs if n > 0)
    total = sum(n for _v, n in pairs)
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the 0-based middle positions (equal when odd)
    found, seen = [], 0
    for value, n in pairs:
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return found[0] if total % 2 else statistics.median(found)


def open_count(statuses, home_ids=None) -> int:
    """Appeals now in one of `statuses`, whenever received, of the Homes `home_ids` (None: all)."""
    table = V if home_ids is None else S
    stmt = sa.select(sa.func.sum(table.c.appeals)).where(
        table.c.status.in_([getattr(s, "value", s) for s in statuses]))
    if home_ids is not None:
        stmt = stmt.where(S.c.home_id.in_(home_ids))
    return int(db.session.scalar(stmt) or 0)
