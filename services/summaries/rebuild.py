"""Rebuilding and checking the summary tables: every row
recomputed from the raw tables, and the list of rows where summaries and raw aggregates differ —
what `flask rebuild-summaries [--check]`, the bench generator and the tests use."""
import sqlalchemy as sa

from extensions import db
from models import Activity, ContactRecord, User
from models.enums import ActivityStatus, Role
from models.summary import CONTACT_LEVEL_CAP
from services.summaries import appeals as summary_appeals
from services.summaries.tables import A, C, H, L, P, Q, R, S, V, Y


def _year(column):
    return sa.cast(sa.extract("year", column), sa.Integer)


def _raw_activities():
    return (sa.select(Activity.home_id, _year(Activity.date).label("year"),
                      sa.cast(sa.extract("month", Activity.date), sa.Integer).label("month"),
                      Activity.theme, sa.func.count(Activity.id).label("activities"),
                      sa.func.coalesce(sa.func.sum(Activity.participants), 0).label("participants"),
                      sa.func.coalesce(sa.func.sum(sa.case((Activity.published.is_(True), 1),
                                                           else_=0)), 0).label("published"),
                      sa.func.coalesce(sa.func.sum(sa.case((Activity.linked_levels.is_(True), 1),
                                                           else_=0)), 0).label("linked"))
            .where(Activity.status == ActivityStatus.VERIFIED)
            .group_by(Activity.home_id, _year(Activity.date),
                      sa.extract("month", Activity.date), Activity.theme))


def _raw_activity_years():
    month_rows = _raw_activities().subquery()
    return (sa.select(month_rows.c.home_id, month_rows.c.year, month_rows.c.theme,
                      sa.func.sum(month_rows.c.activities).label("activities"),
                      sa.func.sum(month_rows.c.participants).label("participants"))
            .group_by(month_rows.c.home_id, month_rows.c.year, month_rows.c.theme))


def _raw_province_months():
    month_rows = _raw_activities().subquery()
    return (sa.select(month_rows.c.year, month_rows.c.month, month_rows.c.theme,
                      sa.func.sum(month_rows.c.activities).label("activities"),
                      sa.func.sum(month_rows.c.participants).label("participants"))
            .group_by(month_rows.c.year, month_rows.c.month, month_rows.c.theme))


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


def _raw_home_representatives():
    return (sa.select(User.home_id, sa.func.count(User.id).label("representatives"))
            .where(User.role == Role.REPRESENTATIVE, User.active.is_(True),
                   User.home_id.is_not(None))
            .group_by(User.home_id))


def _raw_home_submitted():
    return (sa.select(Activity.home_id, sa.func.count(Activity.id).label("activities"))
            .where(Activity.status == ActivityStatus.SUBMITTED)
            .group_by(Activity.home_id))


def _raw_levels(per_year=None):
    """Per Home × year × level 1..CAP: active representatives with at least `level` distinct
    workers in the year, from `per_year` (representative_id, year, workers; default the raw
    contact records)."""
    per_year = (per_year if per_year is not None else _raw_representative_years()).subquery()
    levels = sa.union_all(*(sa.select(sa.literal(k, sa.Integer).label("level"))
                            for k in range(1, CONTACT_LEVEL_CAP + 1))).subquery()
    return (sa.select(User.home_id, per_year.c.year, levels.c.level,
                      sa.func.count().label("representatives"))
            .select_from(per_year)
            .join(User, User.id == per_year.c.representative_id)
            .join(levels, per_year.c.workers >= levels.c.level)
            .where(User.role == Role.REPRESENTATIVE, User.active.is_(True),
                   User.home_id.is_not(None))
            .group_by(User.home_id, per_year.c.year, levels.c.level))


TABLES = (A, Y, P, C, R, H, Q, L, S, V)


def rebuild() -> dict:
    """Recompute every summary row from the raw tables (in the caller's transaction);
    {table name: rows}."""
    for table in TABLES:
        db.session.execute(table.delete())
    db.session.execute(A.insert().from_select(
        ["home_id", "year", "month", "theme", "activities", "participants", "published",
         "linked"],
        _raw_activities()))
    db.session.execute(Y.insert().from_select(
        ["home_id", "year", "theme", "activities", "participants"],
        sa.select(A.c.home_id, A.c.year, A.c.theme, sa.func.sum(A.c.activities),
                  sa.func.sum(A.c.participants)).group_by(A.c.home_id, A.c.year, A.c.theme)))
    db.session.execute(P.insert().from_select(
        ["year", "month", "theme", "activities", "participants"],
        sa.select(A.c.year, A.c.month, A.c.theme, sa.func.sum(A.c.activities),
                  sa.func.sum(A.c.participants)).group_by(A.c.year, A.c.month, A.c.theme)))
    db.session.execute(C.insert().from_select(
        ["representative_id", "worker_id", "year", "contacts"], _raw_contacts()))
    db.session.execute(R.insert().from_select(
        ["representative_id", "year", "workers"], _raw_representative_years()))
    db.session.execute(H.insert().from_select(
        ["home_id", "representatives"], _raw_home_representatives()))
    db.session.execute(Q.insert().from_select(["home_id", "activities"], _raw_home_submitted()))
    db.session.execute(L.insert().from_select(
        ["home_id", "year", "level", "representatives"],
        _raw_levels(sa.select(R.c.representative_id, R.c.year, R.c.workers))))
    summary_appeals.rebuild_appeals()
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in TABLES}


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
                                         A.c.activities, A.c.participants, A.c.published,
                                         A.c.linked),
         _raw_activities(), 4),
        ("summary_activity_years", sa.select(Y.c.home_id, Y.c.year, Y.c.theme, Y.c.activities,
                                             Y.c.participants), _raw_activity_years(), 3),
        ("summary_province_months", sa.select(P.c.year, P.c.month, P.c.theme, P.c.activities,
                                              P.c.participants), _raw_province_months(), 3),
        ("summary_contacts", sa.select(C.c.representative_id, C.c.worker_id, C.c.year,
                                       C.c.contacts), _raw_contacts(), 3),
        ("summary_representative_years", sa.select(R.c.representative_id, R.c.year, R.c.workers),
         _raw_representative_years(), 2),
        ("summary_home_representatives", sa.select(H.c.home_id, H.c.representatives),
         _raw_home_representatives(), 1),
        ("summary_home_submitted", sa.select(Q.c.home_id, Q.c.activities),
         _raw_home_submitted(), 1),
        ("summary_home_contact_levels", sa.select(L.c.home_id, L.c.year, L.c.level,
                                                  L.c.representatives), _raw_levels(), 3),
    ]
    compared = [(name, _as_dict(db.session.execute(have), width),
                 _as_dict(db.session.execute(want), width))
                for name, have, want, width in pairs]
    compared.append(("summary_appeals",
                     {k: (n,) for k, n in summary_appeals.stored_rows().items()},
                     {k: (n,) for k, n in summary_appeals.raw_rows().items() if n}))
    compared.append(("summary_province_appeals",
                     {k: (n,) for k, n in summary_appeals.stored_province_rows().items()},
                     {k: (n,) for k, n in summary_appeals.raw_province_rows().items()}))
    out = []
    for name, have, want in compared:
        for key in sorted(set(have) | set(want), key=str):
            if have.get(key) != want.get(key):
                out.append(f"{name} {key}: 汇总 {have.get(key)} ≠ 原始数据 {want.get(key)}")
                if len(out) >= limit:
                    return out
    return out


