"""The five-contact rule (SPEC §5.1), computed in SQL for a representative, a Home or the province.

A representative is compliant for year Y when the number of distinct sci-tech workers with at least
one of their contact records dated in Y reaches CONTACT_THRESHOLD. A Home's rate is compliant
active representatives / active representatives (0 when it has none).
"""
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import load_only

from extensions import db
from models import Activity, ContactRecord, Home, User, Worker, WorkerLink, activity_co_organizers
from models.enums import ActivityStatus, Level, Role, Theme
from models.user import name_sort_key


def threshold() -> int:
    """CONTACT_THRESHOLD from config (default 5)."""
    return int(current_app.config.get("CONTACT_THRESHOLD", 5))


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def contacted_counts(year: int, representative_ids=None):
    """A subquery: representative_id → number of distinct workers contacted in `year`.

    `representative_ids` (a select of user ids) keeps the grouping to the representatives a
    caller is about, so a Home's figures never aggregate the whole province's contacts.
    """
    start, end = year_bounds(year)
    stmt = (sa.select(ContactRecord.representative_id.label("representative_id"),
                      sa.func.count(sa.distinct(ContactRecord.worker_id)).label("contacted"))
            .where(ContactRecord.date >= start, ContactRecord.date <= end)
            .group_by(ContactRecord.representative_id))
    if representative_ids is not None:
        stmt = stmt.where(ContactRecord.representative_id.in_(representative_ids))
    return stmt.subquery()


def representative_ids(home_id: int | None = None, home_ids=None):
    """A select of the ids of the representatives of a Home or of several; None for all."""
    if home_id is None and home_ids is None:
        return None
    stmt = sa.select(User.id).where(User.role == Role.REPRESENTATIVE)
    if home_id is not None:
        stmt = stmt.where(User.home_id == home_id)
    if home_ids is not None:
        stmt = stmt.where(User.home_id.in_(home_ids))
    return stmt


def contacted_count(representative_id: int, year: int) -> int:
    """Distinct workers the representative contacted in `year`."""
    start, end = year_bounds(year)
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(ContactRecord.worker_id))).where(
            ContactRecord.representative_id == representative_id,
            ContactRecord.date >= start, ContactRecord.date <= end)) or 0


def is_compliant(representative_id: int, year: int) -> bool:
    return contacted_count(representative_id, year) >= threshold()


@dataclass(frozen=True)
class RepresentativeCompliance:
    representative: User
    contacted_count: int
    compliant: bool


def representatives(year: int, *, home_id: int | None = None, home_ids=None,
                    include_inactive: bool = False,
                    names_only: bool = False) -> list[RepresentativeCompliance]:
    """Each representative (of a Home, several, or all) with their count — one query.

    `names_only` loads just id, name and Home of each user (for answers that show no more; any
    other attribute would then load row by row, so callers that need more leave it off)."""
    if home_ids is not None:
        home_ids = list(home_ids)
    counts = contacted_counts(year, representative_ids(home_id, home_ids))
    contacted = sa.func.coalesce(counts.c.contacted, 0)
    stmt = (sa.select(User, contacted)
            .outerjoin(counts, counts.c.representative_id == User.id)
            .where(User.role == Role.REPRESENTATIVE)
            .order_by(User.home_id, User.name_key, User.id))
    if home_id is not None:
        stmt = stmt.where(User.home_id == home_id)
    if home_ids is not None:
        stmt = stmt.where(User.home_id.in_(home_ids))
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    if names_only:
        stmt = stmt.options(load_only(User.id, User.name, User.home_id, User.active))
    limit = threshold()
    return [RepresentativeCompliance(user, int(n), int(n) >= limit)
            for user, n in db.session.execute(stmt)]


def rate_of(rows: list[RepresentativeCompliance]) -> float:
    """Compliant / all of the given (active) representatives' rows; 0 when there are none."""
    return sum(r.compliant for r in rows) / len(rows) if rows else 0.0


@dataclass(frozen=True)
class HomeCompliance:
    home_id: int
    compliant: int
    total: int

    @property
    def fraction(self) -> Fraction:
        """The exact rate (0 when the Home has no active representative)."""
        return Fraction(self.compliant, self.total) if self.total else Fraction(0)

    @property
    def rate(self) -> float:
        return float(self.fraction)


def homes(year: int, home_ids=None) -> dict[int, HomeCompliance]:
    """Compliance of every Home (or of `home_ids`) — one grouped query. Homes without
    representatives are present with total 0."""
    if home_ids is not None:
        home_ids = list(home_ids)
    counts = contacted_counts(year, representative_ids(None, home_ids))
    compliant = sa.func.sum(sa.case((sa.func.coalesce(counts.c.contacted, 0) >= threshold(), 1),
                                    else_=0))
    stmt = (sa.select(User.home_id, compliant, sa.func.count(User.id))
            .outerjoin(counts, counts.c.representative_id == User.id)
            .where(User.role == Role.REPRESENTATIVE, User.active.is_(True))
            .group_by(User.home_id))
    home_stmt = sa.select(Home.id)
    if home_ids is not None:
        stmt = stmt.where(User.home_id.in_(home_ids))
        home_stmt = home_stmt.where(Home.id.in_(home_ids))
    result = {hid: HomeCompliance(hid, 0, 0) for hid in db.session.scalars(home_stmt)}
    for hid, n_compliant, total in db.session.execute(stmt):
        result[hid] = HomeCompliance(hid, int(n_compliant or 0), int(total))
    return result


def home(home_id: int, year: int) -> HomeCompliance:
    """Compliance of one Home."""
    return homes(year, [home_id]).get(home_id, HomeCompliance(home_id, 0, 0))


def home_rate(home_id: int, year: int) -> float:
    """SPEC §5.1: compliant active representatives / active representatives (0 when none)."""
    return home(home_id, year).rate


def province(year: int, home_ids=None) -> HomeCompliance:
    """All active representatives of the province (or of `home_ids`) taken together."""
    values = homes(year, home_ids).values()
    return HomeCompliance(0, sum(h.compliant for h in values), sum(h.total for h in values))


def linked_workers_status(representative_id: int, year: int):
    """The representative's linked workers, each with the number of their contacts in `year` and
    the latest contact date in `year` (None when not yet contacted) — one query; those contacted
    first, each group in pinyin order of the name (name_sort_key), then by id."""
    start, end = year_bounds(year)
    per_worker = (
        sa.select(ContactRecord.worker_id.label("worker_id"),
                  sa.func.count().label("n"),  # from the covering index alone
                  sa.func.max(ContactRecord.date).label("last"))
        .where(ContactRecord.representative_id == representative_id,
               ContactRecord.date >= start, ContactRecord.date <= end)
        .group_by(ContactRecord.worker_id).subquery())
    stmt = (sa.select(Worker, sa.func.coalesce(per_worker.c.n, 0), per_worker.c.last)
            .join(WorkerLink, WorkerLink.worker_id == Worker.id)
            .outerjoin(per_worker, per_worker.c.worker_id == Worker.id)
            .where(WorkerLink.representative_id == representative_id)
            .order_by(per_worker.c.last.is_(None), Worker.id))
    rows = [(w, int(n), last) for w, n, last in db.session.execute(stmt)]
    rows.sort(key=lambda row: (row[2] is None, name_sort_key(row[0].name), row[0].id))
    return rows


def next_uncontacted_worker(representative_id: int, year: int, *,
                            exclude: int | None = None) -> Worker | None:
    """The first (in pinyin order of the name, then id) of the representative's linked workers
    without a contact in `year`, other than `exclude` — the one to contact next; None when every
    one was contacted."""
    start, end = year_bounds(year)
    contacted = (sa.select(ContactRecord.id).where(
        ContactRecord.representative_id == representative_id,
        ContactRecord.worker_id == Worker.id,
        ContactRecord.date >= start, ContactRecord.date <= end).exists())
    stmt = (sa.select(Worker).join(WorkerLink, WorkerLink.worker_id == Worker.id)
            .where(WorkerLink.representative_id == representative_id, ~contacted)
            .order_by(Worker.id))
    if exclude is not None:
        stmt = stmt.where(Worker.id != exclude)
    return min(db.session.scalars(stmt), key=lambda w: (name_sort_key(w.name), w.id), default=None)


@dataclass(frozen=True)
class RepresentativeRow:
    """One line of a Home's representatives table."""

    representative: User
    contacted_count: int
    compliant: bool
    themes: dict
    last_activity: date | None


#: ?sort= keys of the representatives table → column names of `representatives_table`'s select
TABLE_SORTS = ("name", "level", "contacted", "compliant", "party_building", "window",
               "neighborhood", "innovation", "last_activity", "active")


def _activity_pairs(end: date, user_ids=None):
    """(activity id, user id, theme, date) of verified activities dated up to `end`, for organisers
    and co-organisers alike (of `user_ids` when given); UNION keeps an activity once per person
    even when listed both ways."""
    verified = sa.and_(Activity.status == ActivityStatus.VERIFIED, Activity.date <= end)
    org = sa.select(Activity.id.label("aid"), Activity.organizer_id.label("uid"),
                    Activity.theme.label("theme"), Activity.date.label("day")).where(verified)
    co = (sa.select(Activity.id, activity_co_organizers.c.user_id, Activity.theme, Activity.date)
          .join(activity_co_organizers, activity_co_organizers.c.activity_id == Activity.id)
          .where(verified))
    if user_ids is not None:
        org = org.where(Activity.organizer_id.in_(user_ids))
        co = co.where(activity_co_organizers.c.user_id.in_(user_ids))
    return sa.union(org, co).subquery()


def representatives_table(year: int, *, home_id: int | None = None, level: str = "",
                          compliant: str = "", status: str = "", q: str = "",
                          sort: str = "name", descending: bool = False) -> list[RepresentativeRow]:
    """A Home's representatives (all Homes when home_id is None) with their contacts in `year`,
    compliance, VERIFIED activities by theme in `year` (as organiser or co-organiser) and the date
    of their latest verified activity up to the end of `year` — filtered and sorted in one query.

    Filters: level (province/city/county), compliant ("yes"/"no"), status ("active"/"inactive"),
    q (name, username or work unit contains).
    """
    start, end = year_bounds(year)
    limit = threshold()
    reps = representative_ids(home_id)
    counts = contacted_counts(year, reps)
    contacted = sa.func.coalesce(counts.c.contacted, 0)
    pairs = _activity_pairs(end, reps)
    in_year = sa.and_(pairs.c.day >= start, pairs.c.day <= end)
    theme_cols = [sa.func.sum(sa.case((sa.and_(in_year, pairs.c.theme == t.value), 1), else_=0))
                  .label(t.value) for t in Theme]
    acts = (sa.select(pairs.c.uid, *theme_cols,
                      sa.func.max(pairs.c.day).label("last"))
            .group_by(pairs.c.uid).subquery())
    theme_values = [sa.func.coalesce(acts.c[t.value], 0) for t in Theme]
    is_compliant = sa.case((contacted >= limit, 1), else_=0)
    stmt = (sa.select(User, contacted, *theme_values, acts.c.last)
            .outerjoin(counts, counts.c.representative_id == User.id)
            .outerjoin(acts, acts.c.uid == User.id)
            .where(User.role == Role.REPRESENTATIVE))
    if home_id is not None:
        stmt = stmt.where(User.home_id == home_id)
    if level in Level.values():
        stmt = stmt.where(User.level == level)
    if compliant in ("yes", "no"):
        stmt = stmt.where(is_compliant == (1 if compliant == "yes" else 0))
    if status in ("active", "inactive"):
        stmt = stmt.where(User.active.is_(status == "active"))
    q = (q or "").strip()
    if q:
        like = f"%{q}%"
        stmt = stmt.where(sa.or_(User.name.ilike(like), User.username.ilike(like),
                                 User.work_unit.ilike(like)))
    columns = {"name": User.name_key, "level": User.level, "contacted": contacted,
               "compliant": is_compliant, "last_activity": acts.c.last, "active": User.active}
    columns.update({t.value: col for t, col in zip(Theme, theme_values, strict=True)})
    key = columns.get(sort, User.name_key)
    order = key.desc() if descending else key.asc()
    if sort == "last_activity":  # representatives without activities go last either way
        order = (acts.c.last.is_(None), order)
    else:
        order = (order,)
    stmt = stmt.order_by(*order, User.name_key, User.id)
    rows = []
    for user, n, *rest in db.session.execute(stmt):
        theme_counts = {t.value: int(c) for t, c in zip(Theme, rest[:4], strict=True)}
        rows.append(RepresentativeRow(user, int(n), int(n) >= limit, theme_counts, rest[4]))
    return rows
