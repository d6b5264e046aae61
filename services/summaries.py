"""Summary tables (models/summary.py, issue 14): kept in the writing transaction, rebuilt and
checked on demand, read by the province views.

Writing — every service that changes what a summary counts calls one of these in its own
transaction, after the change:
- `activity_part(activity)` before the change and `activity_changed(before, activity)` after it
  (create, edit, submit, review, delete; an activity counts while VERIFIED, for its own Home,
  month, year and theme — co-organisers never change a count): one upsert per activity table
  (the Home's month, the Home's year, the province's month);
- `contacts_changed(added=[...], removed=[...])` with (representative_id, worker_id, date) of
  contact records inserted and deleted (manual contacts, activity contacts, a date moved).
Each table is written by one atomic upsert `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`
(both databases) — never a read followed by a write, so concurrent writers add up exactly. The
per-representative count of distinct workers changes when a (representative, worker, year)
row's count crosses 0, which the same upsert RETURNS, so no second read is needed; that upsert
RETURNS the new count in turn, and when it crosses a level the Home's level rows move.
- `representatives_changed([(user_id, home_before, home_after)])` where each Home is what
  `representative_home(user)` gives before and after the write (creation, import, move,
  deactivation, activation): the per-Home counts of active representatives and of those with at
  least k distinct workers contacted in a year (k = 1..CONTACT_LEVEL_CAP, 0004_perf) follow the
  representative. Compliance is derived when reading with CONTACT_THRESHOLD (a setting): the
  Home's row at level = threshold, never stored per threshold.
- appeals: services/summary_appeals.py (`appeal_part`, `appeal_changed`).

Who moves a representative's levels must see the other writer's change: a contact writer locks
the representatives' `users` rows (FOR SHARE) when their level changes, and a move updates that
row before it reads their per-year counts, so whichever commits second sees the first.

`rebuild()` recomputes every row from the raw tables; `differences()` lists where the summaries
and the raw aggregates disagree (empty when they agree) — `flask rebuild-summaries [--check]`
(both in services/summary_rebuild.py, importable from here).
"""
from collections import Counter
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from extensions import db
from models import User
from models.enums import ActivityStatus, Role
from models.summary import (
    CONTACT_LEVEL_CAP,
    ActivitySummary,
    ActivityYearSummary,
    ContactSummary,
    HomeContactLevelSummary,
    HomeRepresentativeSummary,
    ProvinceMonthSummary,
    RepresentativeYearSummary,
)
from services.summary_appeals import appeal_changed, appeal_part  # noqa: F401 (writers' API)

A = ActivitySummary.__table__
Y = ActivityYearSummary.__table__
P = ProvinceMonthSummary.__table__
C = ContactSummary.__table__
R = RepresentativeYearSummary.__table__
H = HomeRepresentativeSummary.__table__
L = HomeContactLevelSummary.__table__


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


_COMPILED: dict = {}
_COMPILED_ROWS = 8  # writes of up to this many rows (every request's) use a statement compiled once


def _upsert_statement(table, keys: tuple, counters: tuple, rows, returning=()):
    stmt = _insert(table).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={c: table.c[c] + stmt.excluded[c] for c in counters})
    return stmt.returning(*returning) if returning else stmt


def _upsert(table, keys: tuple, counters: tuple, rows: list[dict], returning=()):
    """INSERT rows; on a key conflict add each counter to the stored one — one statement.

    SQLAlchemy does not cache an ON CONFLICT DO UPDATE statement, so compiling it was the largest
    cost of a write (issue 14: ~1,250 of ~7,000 Python calls per POST /activities). Up to
    _COMPILED_ROWS rows, the statement is compiled once per table, columns and row count (bound
    parameters, plain ints and strings) and run as the driver's SQL; larger batches compile as
    usual. Returns the cursor result (the `returning` columns)."""
    if len(rows) > _COMPILED_ROWS:
        return db.session.execute(_upsert_statement(table, keys, counters, rows, returning))
    connection = db.session.connection()
    names = tuple(rows[0])
    key = (connection.dialect.name, table.name, keys, counters, names,
           tuple(c.name for c in returning), len(rows))
    compiled = _COMPILED.get(key)
    if compiled is None:
        params = [{c: sa.bindparam(f"{c}_{i}", type_=table.c[c].type) for c in names}
                  for i in range(len(rows))]
        compiled = _COMPILED.setdefault(key, _upsert_statement(
            table, keys, counters, params, returning).compile(dialect=connection.dialect))
    values = {f"{c}_{i}": row[c] for i, row in enumerate(rows) for c in names}
    if compiled.positional:
        return connection.exec_driver_sql(compiled.string,
                                          tuple(values[n] for n in compiled.positiontup))
    return connection.exec_driver_sql(compiled.string, values)


# --- Activities ---------------------------------------------------------------------------------

def activity_part(activity) -> tuple | None:
    """What the activity adds to summary_activities: ((home, year, month, theme), participants),
    or None while it is not verified."""
    if activity is None or activity.status != ActivityStatus.VERIFIED or activity.date is None:
        return None
    theme = getattr(activity.theme, "value", activity.theme)
    return ((activity.home_id, activity.date.year, activity.date.month, str(theme)),
            int(activity.participants or 0))


def activity_changed(before: tuple | None, activity_or_part) -> None:
    """Apply the difference between an activity's part before a write and after it (pass the
    activity, or None when it was deleted). Nothing is written when nothing counted changed."""
    after = activity_or_part if isinstance(activity_or_part, tuple | type(None)) \
        else activity_part(activity_or_part)
    if before == after:
        return
    deltas: dict[tuple, list[int]] = {}
    for part, sign in ((before, -1), (after, 1)):
        if part is not None:
            key, people = part
            d = deltas.setdefault(key, [0, 0])
            d[0] += sign
            d[1] += sign * people
    rows = [{"home_id": k[0], "year": k[1], "month": k[2], "theme": k[3], "activities": n,
             "participants": p} for k, (n, p) in sorted(deltas.items()) if n or p]
    if not rows:
        return
    db.session.flush()
    counters = ("activities", "participants")
    _upsert(A, ("home_id", "year", "month", "theme"), counters, rows)
    for table, keys in ((Y, ("home_id", "year", "theme")), (P, ("year", "month", "theme"))):
        rolled: dict[tuple, list[int]] = {}
        for row in rows:
            d = rolled.setdefault(tuple(row[k] for k in keys), [0, 0])
            d[0] += row["activities"]
            d[1] += row["participants"]
        rolled_rows = [{**dict(zip(keys, k, strict=True)), "activities": n, "participants": p}
                       for k, (n, p) in sorted(rolled.items()) if n or p]
        if rolled_rows:
            _upsert(table, keys, counters, rolled_rows)


# --- Contacts -----------------------------------------------------------------------------------

def contacts_changed(added=(), removed=()) -> None:
    """Count contact records added and removed, each given as (representative_id, worker_id,
    date): one upsert of the (representative, worker, year) rows and, when a row's count crossed
    zero, one upsert of the representatives' distinct-worker counts."""
    deltas = Counter()
    for rep_id, worker_id, day in added:
        deltas[(rep_id, worker_id, day.year)] += 1
    for rep_id, worker_id, day in removed:
        deltas[(rep_id, worker_id, day.year)] -= 1
    rows = [{"representative_id": k[0], "worker_id": k[1], "year": k[2], "contacts": n}
            for k, n in sorted(deltas.items()) if n]
    if not rows:
        return
    db.session.flush()
    result = _upsert(C, ("representative_id", "worker_id", "year"), ("contacts",), rows,
                     returning=(C.c.representative_id, C.c.worker_id, C.c.year, C.c.contacts))
    crossed = Counter()
    for rep_id, worker_id, year, now in result:
        was = now - deltas[(rep_id, worker_id, year)]
        if was <= 0 < now:
            crossed[(rep_id, year)] += 1
        elif now <= 0 < was:
            crossed[(rep_id, year)] -= 1
    rep_rows = [{"representative_id": k[0], "year": k[1], "workers": n}
                for k, n in sorted(crossed.items()) if n]
    if not rep_rows:
        return
    result = _upsert(R, ("representative_id", "year"), ("workers",), rep_rows,
                     returning=(R.c.representative_id, R.c.year, R.c.workers))
    moved = {}
    for rep_id, year, now in result:
        was = now - crossed[(rep_id, year)]
        if _capped(was) != _capped(now):
            moved[(rep_id, year)] = (was, now)
    if not moved:
        return
    # FOR SHARE: a concurrent move or (de)activation of these representatives waits for this
    # transaction, then reads the per-year counts written here (see the module's docstring).
    states = db.session.execute(
        sa.select(User.id, User.home_id, User.role, User.active)
        .where(User.id.in_(sorted({rep_id for rep_id, _year in moved})))
        .order_by(User.id).with_for_update(read=True))
    homes = {uid: representative_home(SimpleNamespace(home_id=h, role=r, active=a))
             for uid, h, r, a in states}
    levels = Counter()
    for (rep_id, year), (was, now) in moved.items():
        home_id = homes.get(rep_id)
        if home_id is not None:
            _add_levels(levels, home_id, year, was, now)
    _upsert_levels(levels)


def contact_key(record) -> tuple:
    """(representative_id, worker_id, date) of a contact record, as contacts_changed takes it."""
    return (record.representative_id, record.worker_id, record.date)


# --- Representatives per Home -------------------------------------------------------------------

def _capped(workers) -> int:
    return max(0, min(int(workers or 0), CONTACT_LEVEL_CAP))


def _add_levels(levels: Counter, home_id: int, year: int, was: int, now: int) -> None:
    """Levels of a Home and year that a representative going from `was` to `now` distinct
    workers enters (+1) or leaves (-1)."""
    low, high = sorted((_capped(was), _capped(now)))
    sign = 1 if _capped(now) > _capped(was) else -1
    for level in range(low + 1, high + 1):
        levels[(home_id, year, level)] += sign


def _upsert_levels(levels: Counter) -> None:
    rows = [{"home_id": k[0], "year": k[1], "level": k[2], "representatives": n}
            for k, n in sorted(levels.items()) if n]
    if rows:
        _upsert(L, ("home_id", "year", "level"), ("representatives",), rows)


def representative_home(user) -> int | None:
    """The Home whose per-Home summaries count the user: their Home while they are an active
    representative, else None."""
    role = getattr(user.role, "value", user.role)
    if role != Role.REPRESENTATIVE.value or not user.active or user.home_id is None:
        return None
    return user.home_id


def representatives_changed(changes, *, new: bool = False) -> None:
    """Move users between the per-Home summaries: `changes` are (user_id, home_before,
    home_after) with `representative_home` before and after the write (None: not counted).
    One upsert of summary_home_representatives; unless `new` (accounts just created have no
    contacts), one read of the users' per-year distinct workers and one upsert of the levels.
    Call after the write: the users' rows are flushed (and so locked) before the read."""
    changes = [(uid, before, after) for uid, before, after in changes if before != after]
    if not changes:
        return
    db.session.flush()
    per_home = Counter()
    for _uid, before, after in changes:
        if before is not None:
            per_home[before] -= 1
        if after is not None:
            per_home[after] += 1
    rows = [{"home_id": h, "representatives": n} for h, n in sorted(per_home.items()) if n]
    if rows:
        _upsert(H, ("home_id",), ("representatives",), rows)
    if new:
        return
    moves = {uid: (before, after) for uid, before, after in changes}
    levels = Counter()
    for rep_id, year, workers in db.session.execute(
            sa.select(R.c.representative_id, R.c.year, R.c.workers)
            .where(R.c.representative_id.in_(sorted(moves)), R.c.workers > 0)):
        before, after = moves[rep_id]
        if before is not None:
            _add_levels(levels, before, year, workers, 0)
        if after is not None:
            _add_levels(levels, after, year, 0, workers)
    _upsert_levels(levels)


# --- Reading ------------------------------------------------------------------------------------

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


def compliance_by_home(year: int, home_ids=None, threshold: int = 5) -> dict[int, tuple]:
    """{home_id: (compliant, active representatives)} of the Homes with active representatives
    (of `home_ids`, a list or a select, when given) — one query over one row per Home: the
    Home's active representatives and its level row at `threshold` (0004_perf). A threshold
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
    """compliance_by_home from the representative × year rows joined to the representatives'
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


from services.summary_rebuild import differences, rebuild  # noqa: E402,F401  (the CLI's API)
