"""Summary tables (models/summary.py, issue 14): kept in the writing transaction, rebuilt and
checked on demand, read by the province views.

Writing — every service that changes what a summary counts calls one of these in its own
transaction, after the change:
- `activity_part(activity)` before the change and `activity_changed(before, activity)` after it
  (create, edit, submit, review, delete; an activity counts while VERIFIED, for its own Home,
  month, year and theme — co-organisers never change a count);
- `contacts_changed(added=[...], removed=[...])` with (representative_id, worker_id, date) of
  contact records inserted and deleted (manual contacts, activity contacts, a date moved).
Each is one atomic upsert `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n` (both
databases) — never a read followed by a write, so concurrent writers add up exactly. The
per-representative count of distinct workers changes when a (representative, worker, year)
row's count crosses 0, which the same upsert RETURNS, so no second read is needed.

Representative moves and deactivation change no summary row: rows are per representative, and a
reader joins `users` for the current Home and active flag. Compliance is derived when reading
with CONTACT_THRESHOLD (a setting), never stored.

`rebuild()` recomputes every row from the raw tables; `differences()` lists where the summaries
and the raw aggregates disagree (empty when they agree) — `flask rebuild-summaries [--check]`.
"""
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from extensions import db
from models import Activity, ContactRecord, User
from models.enums import ActivityStatus, Role
from models.summary import ActivitySummary, ContactSummary, RepresentativeYearSummary

A = ActivitySummary.__table__
C = ContactSummary.__table__
R = RepresentativeYearSummary.__table__


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _upsert(table, keys: tuple, counters: tuple, rows: list[dict], returning=()):
    """INSERT rows; on a key conflict add each counter to the stored one — one statement."""
    stmt = _insert(table).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={c: table.c[c] + stmt.excluded[c] for c in counters})
    if returning:
        stmt = stmt.returning(*returning)
    return db.session.execute(stmt)


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
    if rows:
        db.session.flush()
        _upsert(A, ("home_id", "year", "month", "theme"), ("activities", "participants"), rows)


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
    if rep_rows:
        _upsert(R, ("representative_id", "year"), ("workers",), rep_rows)


def contact_key(record) -> tuple:
    """(representative_id, worker_id, date) of a contact record, as contacts_changed takes it."""
    return (record.representative_id, record.worker_id, record.date)


# --- Rebuild and check --------------------------------------------------------------------------

def _year(column):
    return sa.cast(sa.extract("year", column), sa.Integer)


def _raw_activities():
    return (sa.select(Activity.home_id, _year(Activity.date).label("year"),
                      sa.cast(sa.extract("month", Activity.date), sa.Integer).label("month"),
                      Activity.theme, sa.func.count(Activity.id).label("activities"),
                      sa.func.coalesce(sa.func.sum(Activity.participants), 0).label("participants"))
            .where(Activity.status == ActivityStatus.VERIFIED)
            .group_by(Activity.home_id, _year(Activity.date),
                      sa.extract("month", Activity.date), Activity.theme))


def _raw_contacts():
    year = _year(ContactRecord.date)
    return (sa.select(ContactRecord.representative_id, ContactRecord.worker_id,
                      year.label("year"), sa.func.count(ContactRecord.id).label("contacts"))
            .group_by(ContactRecord.representative_id, ContactRecord.worker_id, year))


def _raw_representative_years():
    pairs = _raw_contacts().subquery()
    return (sa.select(pairs.c.representative_id, pairs.c.year,
                      sa.func.count().label("workers"))
            .group_by(pairs.c.representative_id, pairs.c.year))


def rebuild() -> dict:
    """Recompute every summary row from the raw tables (in the caller's transaction)."""
    for table in (A, C, R):
        db.session.execute(table.delete())
    db.session.execute(A.insert().from_select(
        ["home_id", "year", "month", "theme", "activities", "participants"], _raw_activities()))
    db.session.execute(C.insert().from_select(
        ["representative_id", "worker_id", "year", "contacts"], _raw_contacts()))
    db.session.execute(R.insert().from_select(
        ["representative_id", "year", "workers"], _raw_representative_years()))
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in (A, C, R)}


def _as_dict(rows, width: int) -> dict:
    out = {}
    for row in rows:
        key = tuple(getattr(v, "value", v) for v in row[:width])
        values = tuple(int(v) for v in row[width:])
        if any(values):
            out[key] = values
    return out


def differences(limit: int = 20) -> list[str]:
    """Where the summary tables disagree with the raw aggregates (at most `limit` lines, empty
    when they agree). Rows counting 0 are equal to absent rows."""
    pairs = [
        ("summary_activities", sa.select(A.c.home_id, A.c.year, A.c.month, A.c.theme,
                                         A.c.activities, A.c.participants), _raw_activities(), 4),
        ("summary_contacts", sa.select(C.c.representative_id, C.c.worker_id, C.c.year,
                                       C.c.contacts), _raw_contacts(), 3),
        ("summary_representative_years", sa.select(R.c.representative_id, R.c.year, R.c.workers),
         _raw_representative_years(), 2),
    ]
    out = []
    for name, summary_stmt, raw_stmt, width in pairs:
        have = _as_dict(db.session.execute(summary_stmt), width)
        want = _as_dict(db.session.execute(raw_stmt), width)
        for key in sorted(set(have) | set(want), key=str):
            if have.get(key) != want.get(key):
                out.append(f"{name} {key}: 汇总 {have.get(key)} ≠ 原始数据 {want.get(key)}")
                if len(out) >= limit:
                    return out
    return out


# --- Reading ------------------------------------------------------------------------------------

def activity_rows(year: int, home_ids=None, theme: str | None = None, *, by=("theme", "month")):
    """(…by columns, activities, participants) summed over the year's summary rows, optionally
    for `home_ids` (a list or a select of ids) and one theme — one grouped query."""
    cols = [A.c[name] for name in by]
    stmt = (sa.select(*cols, sa.func.sum(A.c.activities), sa.func.sum(A.c.participants))
            .where(A.c.year == year).group_by(*cols))
    if home_ids is not None:
        stmt = stmt.where(A.c.home_id.in_(home_ids))
    if theme:
        stmt = stmt.where(A.c.theme == theme)
    return db.session.execute(stmt)


def compliance_by_home(year: int, home_ids=None, threshold: int = 5) -> dict[int, tuple]:
    """{home_id: (compliant, active representatives)} from the representative × year rows joined
    to the representatives' current Home and active flag — one grouped query over the
    representatives (not their contact records)."""
    workers = sa.func.coalesce(R.c.workers, 0)
    stmt = (sa.select(User.home_id, sa.func.sum(sa.case((workers >= threshold, 1), else_=0)),
                      sa.func.count(User.id))
            .outerjoin(R, sa.and_(R.c.representative_id == User.id, R.c.year == year))
            .where(User.role == Role.REPRESENTATIVE, User.active.is_(True))
            .group_by(User.home_id))
    if home_ids is not None:
        stmt = stmt.where(User.home_id.in_(home_ids))
    return {hid: (int(c or 0), int(n)) for hid, c, n in db.session.execute(stmt)}
