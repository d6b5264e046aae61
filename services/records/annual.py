"""履职档案: a representative's annual record (SPEC §5.7), shared by the page, Word and the API.

For representative R and year Y (calendar year, Asia/Shanghai):
- months_active: the months 1–12 with at least one verified activity dated in them of which R is the
  organiser or a co-organiser;
- activities_by_theme: those verified activities counted by theme, all four themes present (an
  activity counts once for each of its organisers, so once for R);
- workers_contacted: distinct workers with a contact record of R dated in Y; compliant: that count
  reaches CONTACT_THRESHOLD (§5.1);
- appeals_received: appeals of R received in Y; appeals_resolved: of those, the ones now resolved or
  closed.

`records_for(representatives, year)` builds the records of many representatives in a fixed number
of queries (four), so a Home's 档案 of 200 representatives costs what one costs.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from extensions import db
from models import Activity, Appeal, Home, Survey, User, activity_co_organizers
from models.enums import ActivityStatus, AppealStatus, Role, Theme
from services import compliance
from services.clock import year_instants
from services.errors import NotFound
from services.scope import scoped

MONTHS = tuple(range(1, 13))
HANDLED = (AppealStatus.RESOLVED, AppealStatus.CLOSED)


@dataclass(frozen=True)
class RecordActivity:
    """One verified activity as the record lists it."""

    id: int
    theme: Theme
    kind: str
    title: str
    date: date
    role: str  # "organizer" or "co_organizer"
    survey_title: str | None = None  # the survey a 科技工作者状况调查 carried out (SPEC §5.10)
    home_name: str | None = None  # the organising Home when it is not the representative's (联合开展)


@dataclass
class Record:
    """The §5.7 figures of one representative for one year, plus the activities behind them."""

    representative: User
    year: int
    activities: list[RecordActivity] = field(default_factory=list)
    workers_contacted: int = 0
    threshold: int = 5
    appeals_received: int = 0
    appeals_resolved: int = 0

    @property
    def months_active(self) -> list[int]:
        return sorted({a.date.month for a in self.activities})

    @property
    def activities_by_theme(self) -> dict[str, int]:
        counts = {theme.value: 0 for theme in Theme}
        for item in self.activities:
            counts[Theme(item.theme).value] += 1
        return counts

    @property
    def activities_grouped(self) -> list[tuple[Theme, list[RecordActivity]]]:
        """(theme, its activities by date) for all four themes, in the SPEC's order."""
        groups = defaultdict(list)
        for item in self.activities:
            groups[Theme(item.theme)].append(item)
        return [(theme, groups.get(theme, [])) for theme in Theme]

    @property
    def compliant(self) -> bool:
        return self.workers_contacted >= self.threshold

    def as_api(self) -> dict:
        """SPEC §8: {year, months_active, activities_by_theme, workers_contacted, compliant,
        appeals_received, appeals_resolved}."""
        return {
            "year": self.year,
            "months_active": self.months_active,
            "activities_by_theme": self.activities_by_theme,
            "workers_contacted": self.workers_contacted,
            "compliant": self.compliant,
            "appeals_received": self.appeals_received,
            "appeals_resolved": self.appeals_resolved,
        }




def _organiser_pairs(rep_ids: list[int]):
    """(activity_id, representative_id, role) for every organiser and co-organiser among rep_ids."""
    organisers = sa.select(Activity.id.label("activity_id"),
                           Activity.organizer_id.label("representative_id"),
                           sa.literal("organizer").label("role")).where(
        Activity.organizer_id.in_(rep_ids))
    co = sa.select(activity_co_organizers.c.activity_id.label("activity_id"),
                   activity_co_organizers.c.user_id.label("representative_id"),
                   sa.literal("co_organizer").label("role")).where(
        activity_co_organizers.c.user_id.in_(rep_ids))
    return sa.union_all(organisers, co).subquery()


def records_for(representatives: list[User], year: int) -> list[Record]:
    """The records of several representatives for `year`, in the order given (four queries).

    Raises nothing; representatives with no data get zeros and no months.
    """
    if not representatives:
        return []
    rep_ids = [r.id for r in representatives]
    records = {r.id: Record(representative=r, year=year, threshold=compliance.threshold())
               for r in representatives}

    pairs = _organiser_pairs(rep_ids)
    rows = db.session.execute(
        sa.select(pairs.c.representative_id, pairs.c.role, Activity.id, Activity.theme,
                  Activity.kind, Activity.title, Activity.date, Survey.title, Activity.home_id,
                  Home.name)
        .join(Activity, Activity.id == pairs.c.activity_id)
        .join(Home, Home.id == Activity.home_id)
        .outerjoin(Survey, Survey.id == Activity.survey_id)
        .where(Activity.status == ActivityStatus.VERIFIED,
               Activity.date >= date(year, 1, 1), Activity.date <= date(year, 12, 31))
        .order_by(Activity.date, Activity.id))
    seen = set()
    for rep_id, role, activity_id, theme, kind, title, day, survey_title, home_id, home_name \
            in rows:
        if (rep_id, activity_id) in seen:  # organiser listed as co-organiser too: once
            continue
        seen.add((rep_id, activity_id))
        joint = home_id != records[rep_id].representative.home_id
        records[rep_id].activities.append(RecordActivity(
            id=activity_id, theme=Theme(theme), kind=kind.value if hasattr(kind, "value") else kind,
            title=title, date=day, role=role, survey_title=survey_title,
            home_name=home_name if joint else None))

    counts = compliance.contacted_counts(year, rep_ids)
    for rep_id, contacted in db.session.execute(sa.select(counts.c.representative_id,
                                                          counts.c.contacted)):
        records[rep_id].workers_contacted = int(contacted)

    start, end = year_instants(year)
    handled = sa.func.sum(sa.case((Appeal.status.in_(HANDLED), 1), else_=0))
    for rep_id, received, resolved in db.session.execute(
            sa.select(Appeal.representative_id, sa.func.count(Appeal.id), handled)
            .where(Appeal.representative_id.in_(rep_ids),
                   Appeal.created_at >= start, Appeal.created_at < end)
            .group_by(Appeal.representative_id)):
        records[rep_id].appeals_received = int(received)
        records[rep_id].appeals_resolved = int(resolved or 0)
    return [records[r.id] for r in representatives]


def get_representative(representative_id, user) -> User:
    """The representative `representative_id` if `user` may see them, with their Home and unit;
    NotFound (404) otherwise — also for a user who is not a representative (SPEC §4)."""
    try:
        representative_id = int(representative_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    rep = db.session.scalar(
        scoped(User, user).where(User.id == representative_id, User.role == Role.REPRESENTATIVE)
        .options(sa.orm.joinedload(User.home)))
    if rep is None:
        raise NotFound()
    return rep


def record_of(representative: User, year: int) -> Record:
    """The record of one representative for `year` (§5.7)."""
    return records_for([representative], year)[0]
