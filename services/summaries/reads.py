"""Reading the summary tables: activity rollups and per-Home compliance counts (SPEC §5.1),
each one grouped query over the smallest table that has the columns asked for."""

import sqlalchemy as sa

from extensions import db
from models import User
from models.enums import Role
from models.summary import (
    CONTACT_LEVEL_CAP,
)
from services.summaries.tables import A, H, L, P, Q, R, Y


def activity_rows(year: int, home_ids=None, theme: str | None = None, *, by=("theme", "month")):
    """(…by columns, activities, participants) summed over the year's summary rows, optionally
    for `home_ids` (a list or a select of ids) and one theme — one grouped query, on the
    smallest table that has the columns: the province's months (no Homes), the Homes' years
    (no months) or the Homes' months."""
    if home_ids is None and "home_id" not in by:
        table = P
    elif "month" not in by:
        table = Y
    else:
        table = A
    cols = [table.c[name] for name in by]
    stmt = (sa.select(*cols, sa.func.sum(table.c.activities), sa.func.sum(table.c.participants))
            .where(table.c.year == year).group_by(*cols))
    if home_ids is not None:
        stmt = stmt.where(table.c.home_id.in_(home_ids))
    if theme:
        stmt = stmt.where(table.c.theme == theme)
    return db.session.execute(stmt)


def verified_total(year: int, home_ids=None, theme: str | None = None) -> int:
    """Verified activities dated in `year` (of `home_ids`, a list or a select, and of one theme
    when given): one sum over the Homes' year rows (the province's months without Homes)."""
    table = P if home_ids is None else Y
    stmt = sa.select(sa.func.coalesce(sa.func.sum(table.c.activities), 0)).where(
        table.c.year == year)
    if home_ids is not None:
        stmt = stmt.where(table.c.home_id.in_(home_ids))
    if theme:
        stmt = stmt.where(table.c.theme == theme)
    return int(db.session.scalar(stmt) or 0)


def submitted_expression(home_id: int | None = None) -> sa.ColumnElement:
    """Activities now submitted (待审核) of one Home, or of the province when `home_id` is None,
    as a scalar SQL expression (an int, 0 when none) read from summary_home_submitted — for a
    statement that reads several counts at once (services.todo)."""
    stmt = sa.select(sa.func.coalesce(sa.func.sum(Q.c.activities), 0))
    if home_id is not None:
        stmt = stmt.where(Q.c.home_id == home_id)
    return stmt.scalar_subquery()


def submitted_count(home_id: int | None = None) -> int:
    """Activities now submitted (待审核) of one Home, or of the province when `home_id` is None:
    one read of summary_home_submitted (one row, or one per Home), never of the activities."""
    return int(db.session.scalar(sa.select(submitted_expression(home_id))) or 0)


def linked_levels(year: int, home_ids=None, theme: str | None = None) -> dict:
    """三级联动 (SPEC §5.12): {count, share} of the year's verified activities (of `home_ids`, a
    list or a select, and of one theme when given) — `count` those that were 三级联动 when
    verified, `share` count / verified activities as a number in [0, 1] (0 when there is none).
    One query over the Homes' month rows."""
    stmt = (sa.select(sa.func.coalesce(sa.func.sum(A.c.linked), 0),
                      sa.func.coalesce(sa.func.sum(A.c.activities), 0))
            .where(A.c.year == year))
    if home_ids is not None:
        stmt = stmt.where(A.c.home_id.in_(home_ids))
    if theme:
        stmt = stmt.where(A.c.theme == theme)
    count, total = db.session.execute(stmt).one()
    count, total = int(count or 0), int(total or 0)
    return {"count": count, "share": count / total if total > 0 else 0.0}


def published_quarters(year: int, home_ids=None) -> dict[int, int]:
    """{home_id: number of calendar quarters of `year` with at least one verified and published
    activity} (of `home_ids`, a list or a select, when given; Homes with none are absent) — one
    grouped query over the Homes' month rows (SPEC §5.4, item B2)."""
    quarter = (A.c.month + 2) // 3
    per_quarter = (sa.select(A.c.home_id, quarter.label("quarter"))
                   .where(A.c.year == year, A.c.published > 0)
                   .group_by(A.c.home_id, quarter))
    if home_ids is not None:
        per_quarter = per_quarter.where(A.c.home_id.in_(home_ids))
    rows = per_quarter.subquery()
    return {hid: int(n) for hid, n in db.session.execute(
        sa.select(rows.c.home_id, sa.func.count()).group_by(rows.c.home_id))}


def compliance_counts_by_home(year: int, home_ids=None, threshold: int = 5) -> dict[int, tuple]:
    """{home_id: (compliant, active representatives)} of the Homes with active representatives
    (of `home_ids`, a list or a select, when given) — one query over one row per Home: the
    Home's active representatives and its level row at `threshold`. A threshold
    above CONTACT_LEVEL_CAP is read from the per-representative rows instead."""
    if threshold > CONTACT_LEVEL_CAP:
        return _compliance_by_representative(year, home_ids, threshold)
    if threshold <= 0:  # everyone is compliant
        compliant = H.c.representatives
        stmt = sa.select(H.c.home_id, compliant, H.c.representatives)
    else:
        compliant = sa.func.coalesce(L.c.representatives, 0)
        stmt = (sa.select(H.c.home_id, compliant, H.c.representatives)
                .outerjoin(L, sa.and_(L.c.home_id == H.c.home_id, L.c.year == year,
                                      L.c.level == threshold)))
    stmt = stmt.where(H.c.representatives > 0)
    if home_ids is not None:
        stmt = stmt.where(H.c.home_id.in_(home_ids))
    return {hid: (int(c or 0), int(n)) for hid, c, n in db.session.execute(stmt)}


def _compliance_by_representative(year: int, home_ids, threshold: int) -> dict[int, tuple]:
    """compliance_counts_by_home from the representative × year rows joined to the representatives'
    current Home and active flag (one grouped query over the representatives)."""
    workers = sa.func.coalesce(R.c.workers, 0)
    stmt = (sa.select(User.home_id, sa.func.sum(sa.case((workers >= threshold, 1), else_=0)),
                      sa.func.count(User.id))
            .outerjoin(R, sa.and_(R.c.representative_id == User.id, R.c.year == year))
            .where(User.role == Role.REPRESENTATIVE, User.active.is_(True))
            .group_by(User.home_id))
    if home_ids is not None:
        stmt = stmt.where(User.home_id.in_(home_ids))
    return {hid: (int(c or 0), int(n)) for hid, c, n in db.session.execute(stmt)}
