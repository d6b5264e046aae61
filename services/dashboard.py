"""Dashboard aggregates (SPEC §6), computed in SQL for a year and a scope.

A scope is the province, optionally narrowed to a city (Unit.city) and/or a unit kind (Unit.kind),
or one Home, or one representative; a theme filter narrows activity counts. Every function issues
a fixed number of statements whatever the size of the data: counts are `count`/`sum` with
`group_by`, never rows loaded to be counted in Python.

Only VERIFIED activities count. An activity is one row even when representatives co-organise it:
co-organisers are never joined into a count, so such an activity counts once (SPEC §6b).
"""
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import Activity, Appeal, Assessment, Home, Unit, User, activity_co_organizers
from models.enums import (
    ActivityStatus,
    AppealStatus,
    AssessmentStatus,
    Grade,
    HomeStatus,
    Role,
    Theme,
)
from services import compliance, public_appeals, summaries, summary_appeals
from services.clock import SHANGHAI, today

MONTHS = list(range(1, 13))
THEMES = list(Theme)
OPEN_APPEALS = (AppealStatus.RECEIVED, AppealStatus.FORWARDED)
HANDLED_APPEALS = (AppealStatus.RESOLVED, AppealStatus.CLOSED)


@dataclass(frozen=True)
class Scope:
    """What a dashboard looks at: a year, a territory (province/city/unit kind/Home/representative)
    and an optional theme."""

    year: int
    city: str | None = None
    unit_kind: str | None = None
    home_id: int | None = None
    representative_id: int | None = None
    theme: str | None = None

    @property
    def narrows_homes(self) -> bool:
        return bool(self.city or self.unit_kind or self.home_id is not None)


def activity_target() -> int:
    """ACTIVITY_TARGET from config (verified activities per theme and year; default 4)."""
    return int(current_app.config.get("ACTIVITY_TARGET", 4))


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _year_instants(year: int) -> tuple[datetime, datetime]:
    """The calendar year in Asia/Shanghai as UTC instants [start, end)."""
    start = datetime.combine(date(year, 1, 1), time(), SHANGHAI).astimezone(UTC)
    end = datetime.combine(date(year + 1, 1, 1), time(), SHANGHAI).astimezone(UTC)
    return start, end


def _home_ids_select(scope: Scope):
    """SELECT Home.id of the Homes in the scope's territory (a subquery, not loaded)."""
    stmt = sa.select(Home.id)
    if scope.city or scope.unit_kind:
        stmt = stmt.join(Unit, Unit.id == Home.unit_id)
        if scope.city:
            stmt = stmt.where(Unit.city == scope.city)
        if scope.unit_kind:
            stmt = stmt.where(Unit.kind == scope.unit_kind)
    if scope.home_id is not None:
        stmt = stmt.where(Home.id == scope.home_id)
    return stmt


def _home_conditions(column, scope: Scope) -> list:
    """Conditions keeping rows whose Home column lies in the scope's territory."""
    if scope.city or scope.unit_kind:
        return [column.in_(_home_ids_select(scope))]
    if scope.home_id is not None:
        return [column == scope.home_id]
    return []


def _activity_conditions(scope: Scope, *, with_theme: bool = True) -> list:
    """Verified activities dated in the scope's year, in its territory (and theme)."""
    start, end = _year_bounds(scope.year)
    conds = [Activity.status == ActivityStatus.VERIFIED, Activity.date >= start,
             Activity.date <= end]
    conds += _home_conditions(Activity.home_id, scope)
    if scope.representative_id is not None:
        # Organised or co-organised by the representative; IN (not a join) keeps one row each.
        conds.append(sa.or_(
            Activity.organizer_id == scope.representative_id,
            Activity.id.in_(sa.select(activity_co_organizers.c.activity_id).where(
                activity_co_organizers.c.user_id == scope.representative_id))))
    if with_theme and scope.theme:
        conds.append(Activity.theme == scope.theme)
    return conds


def _month():
    return sa.extract("month", Activity.date)


# --- Activities --------------------------------------------------------------------------------

@dataclass
class ActivityStats:
    """Verified activities of a scope: theme × month counts and participants reached."""

    by_theme_month: dict = field(default_factory=dict)  # theme code → [12 counts]
    participants: int = 0

    @property
    def by_theme(self) -> dict:
        return {theme: sum(months) for theme, months in self.by_theme_month.items()}

    @property
    def by_month(self) -> dict:
        return {m: sum(months[m - 1] for months in self.by_theme_month.values()) for m in MONTHS}

    @property
    def total(self) -> int:
        return sum(self.by_theme.values())


def _summary_home_ids(scope: Scope):
    """The scope's Homes for the summary tables: None (all), or a list / select of ids."""
    if scope.city or scope.unit_kind:
        return _home_ids_select(scope)
    return [scope.home_id] if scope.home_id is not None else None


def activity_stats(scope: Scope) -> ActivityStats:
    """Verified activities by theme and month (all four themes, zeros included) and the sum of
    participants — one grouped query (on summary_activities unless the scope is one
    representative's, whose co-organised activities only the raw rows know)."""
    if scope.representative_id is None:
        stats = ActivityStats({t.value: [0] * 12 for t in THEMES}, 0)
        for theme, m, n, people in summaries.activity_rows(
                scope.year, _summary_home_ids(scope), scope.theme):
            stats.by_theme_month[Theme(theme).value][int(m) - 1] += int(n or 0)
            stats.participants += int(people or 0)
        return stats
    month = _month()
    stmt = (sa.select(Activity.theme, month, sa.func.count(Activity.id),
                      sa.func.coalesce(sa.func.sum(Activity.participants), 0))
            .where(*_activity_conditions(scope))
            .group_by(Activity.theme, month))
    stats = ActivityStats({t.value: [0] * 12 for t in THEMES}, 0)
    for theme, m, n, people in db.session.execute(stmt):
        stats.by_theme_month[Theme(theme).value][int(m) - 1] += int(n)
        stats.participants += int(people)
    return stats


def activities_by_theme(scope: Scope) -> dict:
    """{theme code: verified activities} with the four themes present."""
    return activity_stats(scope).by_theme


def activities_by_month(scope: Scope) -> dict:
    """{month 1..12: verified activities}."""
    return activity_stats(scope).by_month


def participants_reached(scope: Scope) -> int:
    """Sum of participants of the scope's verified activities."""
    return activity_stats(scope).participants


@dataclass(frozen=True)
class HomeRow:
    id: int
    name: str
    city: str | None
    unit_kind: str
    status: str


def homes_in_scope(scope: Scope, *, active_only: bool = False) -> list[HomeRow]:
    """The Homes of the scope's territory, by name — one query, plain rows."""
    stmt = (sa.select(Home.id, Home.name, Unit.city, Unit.kind, Home.status)
            .join(Unit, Unit.id == Home.unit_id).order_by(Home.name, Home.id))
    if scope.city:
        stmt = stmt.where(Unit.city == scope.city)
    if scope.unit_kind:
        stmt = stmt.where(Unit.kind == scope.unit_kind)
    if scope.home_id is not None:
        stmt = stmt.where(Home.id == scope.home_id)
    if active_only:
        stmt = stmt.where(Home.status == HomeStatus.ACTIVE)
    return [HomeRow(i, n, c, str(k.value if hasattr(k, "value") else k),
                    str(s.value if hasattr(s, "value") else s))
            for i, n, c, k, s in db.session.execute(stmt)]


def home_theme_counts(scope: Scope, homes: list[HomeRow] | None = None) -> list[dict]:
    """Per Home: verified activities by theme and in total — one grouped query (plus the Homes).

    Homes listed are the active ones of the territory and any other that has counted activities."""
    homes = homes if homes is not None else homes_in_scope(scope)
    if scope.representative_id is None:  # summary_activities (issue 14)
        rows = ((h, t, n) for h, t, n, _ in summaries.activity_rows(
            scope.year, _summary_home_ids(scope), scope.theme, by=("home_id", "theme")))
    else:
        rows = db.session.execute(
            sa.select(Activity.home_id, Activity.theme, sa.func.count(Activity.id))
            .where(*_activity_conditions(scope)).group_by(Activity.home_id, Activity.theme))
    counts: dict[int, dict] = {}
    for home_id, theme, n in rows:
        counts.setdefault(home_id, {})[Theme(theme).value] = int(n)
    rows = []
    for home in homes:
        themes = {t.value: counts.get(home.id, {}).get(t.value, 0) for t in THEMES}
        total = sum(themes.values())
        if home.status == HomeStatus.ACTIVE.value or total:
            rows.append({"home_id": home.id, "name": home.name, "themes": themes, "total": total})
    return rows


def representative_month_counts(scope: Scope) -> list[dict]:
    """Active representatives of the scope × month: verified activities each ORGANISED (an
    activity counts once, for its organiser) — one grouped query plus the representatives."""
    reps_stmt = (sa.select(User.id, User.name).where(User.role == Role.REPRESENTATIVE,
                                                    User.active.is_(True))
                 .order_by(User.name, User.id))
    reps_stmt = reps_stmt.where(*_home_conditions(User.home_id, scope))
    if scope.representative_id is not None:
        reps_stmt = reps_stmt.where(User.id == scope.representative_id)
    month = _month()
    conds = _activity_conditions(replace(scope, representative_id=None))
    if scope.representative_id is not None:
        conds.append(Activity.organizer_id == scope.representative_id)
    stmt = (sa.select(Activity.organizer_id, month, sa.func.count(Activity.id))
            .where(*conds).group_by(Activity.organizer_id, month))
    counts: dict[int, list[int]] = {}
    for rep_id, m, n in db.session.execute(stmt):
        counts.setdefault(rep_id, [0] * 12)[int(m) - 1] = int(n)
    return [{"id": rid, "name": name, "months": counts.get(rid, [0] * 12)}
            for rid, name in db.session.execute(reps_stmt)]


# --- Compliance (SPEC §5.1, through services/compliance.py) ------------------------------------

def _home_ids(scope: Scope):
    """The scope's Home ids as a list (None for the whole province)."""
    if not scope.narrows_homes:
        return None
    if scope.home_id is not None and not (scope.city or scope.unit_kind):
        return [scope.home_id]
    return list(db.session.scalars(_home_ids_select(scope)))


def compliance_by_home(scope: Scope, homes: list[HomeRow] | None = None,
                       data: dict | None = None) -> list[dict]:
    """Per active Home: compliant / active representatives and the rate, lowest rate first.
    `data` is compliance.homes() of the scope when the caller already has it."""
    homes = homes if homes is not None else homes_in_scope(scope, active_only=True)
    homes = [h for h in homes if h.status == HomeStatus.ACTIVE.value]
    if data is None:
        data = compliance_homes(scope)
    rows = []
    for home in homes:
        c = data.get(home.id) or compliance.HomeCompliance(home.id, 0, 0)
        rows.append({"home_id": home.id, "name": home.name, "compliant": c.compliant,
                     "total": c.total, "rate": c.rate})
    rows.sort(key=lambda r: (r["rate"], r["name"]))
    return rows


def compliance_homes(scope: Scope) -> dict[int, compliance.HomeCompliance]:
    """compliance.homes() of the scope's Homes read from summary_representative_years (issue
    14): per representative, not per contact record; Homes without representatives are absent."""
    counts = summaries.compliance_by_home(scope.year, _summary_home_ids(scope),
                                          compliance.threshold())
    return {hid: compliance.HomeCompliance(hid, c, n) for hid, (c, n) in counts.items()}


def compliance_rate(scope: Scope) -> float:
    """Compliant active representatives / active representatives of the scope (0 when none)."""
    values = compliance_homes(scope).values()
    return compliance.HomeCompliance(0, sum(h.compliant for h in values),
                                     sum(h.total for h in values)).rate


def contacts_per_representative(scope: Scope) -> list:
    """Each active representative of the scope with distinct workers contacted in the year and
    whether they are compliant (RepresentativeCompliance rows, one query)."""
    if scope.representative_id is not None:
        rows = compliance.representatives(scope.year, home_ids=_home_ids(scope))
        return [r for r in rows if r.representative.id == scope.representative_id]
    return compliance.representatives(scope.year, home_ids=_home_ids(scope))


def below_threshold(scope: Scope) -> list:
    """Active representatives of the scope with fewer than CONTACT_THRESHOLD workers contacted."""
    return [r for r in contacts_per_representative(scope) if not r.compliant]


# --- Appeals -----------------------------------------------------------------------------------

def _appeal_conditions(scope: Scope) -> list:
    conds = _home_conditions(Appeal.home_id, scope)
    if scope.representative_id is not None:
        conds.append(Appeal.representative_id == scope.representative_id)
    return conds


def appeals_by_status(scope: Scope) -> dict:
    """Appeals received in the year (Asia/Shanghai) by status, all four present, with SPEC §5.5's
    `handling_rate` = (resolved + closed) / all (None when none) and `median_days` from received
    to resolved over the year's `resolved` ones (None when none) — one grouped query of
    summary_appeals (0004_perf), or two of the appeals for one representative's scope."""
    counts = {s.value: 0 for s in AppealStatus}
    if scope.representative_id is None:
        stored, median = summary_appeals.year_figures(scope.year, _summary_home_ids(scope))
        counts.update({AppealStatus(k).value: n for k, n in stored.items()})
    else:
        start, end = _year_instants(scope.year)
        in_year = [Appeal.created_at >= start, Appeal.created_at < end,
                   *_appeal_conditions(scope)]
        for status, n in db.session.execute(
                sa.select(Appeal.status, sa.func.count(Appeal.id)).where(*in_year)
                .group_by(Appeal.status)):
            counts[AppealStatus(status).value] = int(n)
        median = public_appeals.median_days(public_appeals.resolved_pairs(in_year))
    total = sum(counts.values())
    handled = sum(counts[s.value] for s in HANDLED_APPEALS)
    return {"counts": counts, "total": total, "handled": handled,
            "handling_rate": public_appeals.handling_rate(handled, total),
            "median_days": median}


def appeals_open(scope: Scope) -> int:
    """Appeals of the scope still open now (received + forwarded), whenever received."""
    if scope.representative_id is None:
        return summary_appeals.open_count(OPEN_APPEALS, _summary_home_ids(scope))
    return db.session.scalar(
        sa.select(sa.func.count(Appeal.id)).where(Appeal.status.in_(OPEN_APPEALS),
                                                  *_appeal_conditions(scope))) or 0


# --- Assessments -------------------------------------------------------------------------------

def assessments(scope: Scope, *, include_unpublished: bool = False) -> dict:
    """Assessments of the year: the ranking (total, highest first) and the grade distribution.

    Published ones only unless `include_unpublished` (provincial admins see drafts and finals)."""
    conds = [Assessment.year == scope.year, *_home_conditions(Assessment.home_id, scope)]
    if not include_unpublished:
        conds.append(Assessment.status == AssessmentStatus.PUBLISHED)
    ranking = [
        {"home_id": hid, "name": name, "total": float(total or 0),
         "grade": Grade(grade).value if grade else None,
         "status": AssessmentStatus(status).value}
        for hid, name, total, grade, status in db.session.execute(
            sa.select(Assessment.home_id, Home.name, Assessment.total, Assessment.grade,
                      Assessment.status)
            .join(Home, Home.id == Assessment.home_id)
            .where(*conds).order_by(Assessment.total.desc(), Home.name))]
    grades = {g.value: 0 for g in Grade}
    for grade, n in db.session.execute(
            sa.select(Assessment.grade, sa.func.count(Assessment.id))
            .where(*conds, Assessment.grade.is_not(None)).group_by(Assessment.grade)):
        grades[Grade(grade).value] = int(n)
    return {"ranking": ranking, "grades": grades}


def latest_assessment_year(scope: Scope, *, include_unpublished: bool = False) -> int:
    """The latest year ≤ scope.year with assessments in the scope (scope.year when none):
    a year's assessments are made early the next year, so this year usually has none yet."""
    conds = [Assessment.year <= scope.year, *_home_conditions(Assessment.home_id, scope)]
    if not include_unpublished:
        conds.append(Assessment.status == AssessmentStatus.PUBLISHED)
    return db.session.scalar(sa.select(sa.func.max(Assessment.year)).where(*conds)) or scope.year


def latest_assessments(scope: Scope, *, include_unpublished: bool = False) -> dict:
    """`assessments` of the latest assessed year ≤ scope.year, with that `year`."""
    year = latest_assessment_year(scope, include_unpublished=include_unpublished)
    result = assessments(replace(scope, year=year), include_unpublished=include_unpublished)
    result["year"] = year
    return result


# --- Homes -------------------------------------------------------------------------------------

def homes_by_status(scope: Scope) -> dict:
    """{status: number of Homes} of the territory, all three statuses present."""
    stmt = (sa.select(Home.status, sa.func.count(Home.id))
            .where(*_home_conditions(Home.id, scope)).group_by(Home.status))
    counts = {s.value: 0 for s in HomeStatus}
    for status, n in db.session.execute(stmt):
        counts[HomeStatus(status).value] = int(n)
    return counts


def expiring_homes(scope: Scope, *, on: date | None = None, days: int | None = None) -> list[dict]:
    """Active Homes of the territory whose recognition ends within `days` (EXPIRY_WARNING_DAYS,
    default 60) days of `on` (today)."""
    on = on or today()
    if days is None:
        days = int(current_app.config.get("EXPIRY_WARNING_DAYS", 60))
    stmt = (sa.select(Home.id, Home.name, Home.expires_on)
            .where(Home.status == HomeStatus.ACTIVE, Home.expires_on.is_not(None),
                   Home.expires_on >= on, Home.expires_on <= on + timedelta(days=days),
                   *_home_conditions(Home.id, scope))
            .order_by(Home.expires_on, Home.name))
    return [{"home_id": i, "name": n, "expires_on": e, "days_left": (e - on).days}
            for i, n, e in db.session.execute(stmt)]


# --- KPIs --------------------------------------------------------------------------------------

def active_homes(scope: Scope) -> int:
    return db.session.scalar(sa.select(sa.func.count(Home.id)).where(
        Home.status == HomeStatus.ACTIVE, *_home_conditions(Home.id, scope))) or 0


def active_representatives(scope: Scope) -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.role == Role.REPRESENTATIVE, User.active.is_(True),
        *_home_conditions(User.home_id, scope))) or 0


def verified_activities(scope: Scope) -> int:
    """Verified activities of the scope dated in its year (with the theme filter)."""
    if scope.representative_id is None:
        return activity_stats(scope).total
    return db.session.scalar(sa.select(sa.func.count(Activity.id)).where(
        *_activity_conditions(scope))) or 0


def kpis(scope: Scope, *, stats: ActivityStats | None = None,
         by_home: dict | None = None) -> dict:
    """Active Homes, active representatives, compliance rate, verified activities of the year,
    open appeals. A page that already has the activity stats or the per-Home compliance passes
    them in, so nothing is grouped twice."""
    stats = stats if stats is not None else activity_stats(scope)
    by_home = by_home if by_home is not None else compliance_homes(scope)
    compliant = sum(c.compliant for c in by_home.values())
    total = sum(c.total for c in by_home.values())
    return {
        "homes_active": active_homes(scope),
        "representatives": total,
        "compliance_rate": compliant / total if total else 0.0,
        "activities": stats.total,
        "appeals_open": appeals_open(scope),
    }


# --- Whole pages -------------------------------------------------------------------------------

def province_overview(scope: Scope, *, include_unpublished: bool = True) -> dict:
    """Everything the province dashboard shows, in a fixed number of statements."""
    homes = homes_in_scope(scope)
    stats = activity_stats(scope)
    by_home = compliance_homes(scope)
    return {
        "kpis": kpis(scope, stats=stats, by_home=by_home),
        "activities": stats,
        "by_home": home_theme_counts(scope, homes),
        "compliance": compliance_by_home(scope, homes, by_home),
        "assessments": latest_assessments(scope, include_unpublished=include_unpublished),
        "appeals": appeals_by_status(scope),
        "homes_by_status": homes_by_status(scope),
        "expiring": expiring_homes(scope),
    }


def home_overview(scope: Scope, *, include_unpublished: bool = False) -> dict:
    """Everything a Home dashboard shows (scope.home_id set), in a fixed number of statements."""
    contacts = contacts_per_representative(scope)
    stats = activity_stats(scope)
    by_home = {scope.home_id: compliance.HomeCompliance(
        scope.home_id, sum(r.compliant for r in contacts), len(contacts))}
    return {
        "kpis": kpis(scope, stats=stats, by_home=by_home),
        "activities": stats,
        "heatmap": representative_month_counts(scope),
        "contacts": contacts,
        "below": [r for r in contacts if not r.compliant],
        "assessments": latest_assessments(scope, include_unpublished=include_unpublished),
        "appeals": appeals_by_status(scope),
    }


def representative_overview(scope: Scope) -> dict:
    """A representative's own progress (scope.representative_id set)."""
    return {
        "contacted": compliance.contacted_count(scope.representative_id, scope.year),
        "threshold": compliance.threshold(),
        "target": activity_target(),
        "activities": activity_stats(scope),
        "appeals": appeals_by_status(scope),
    }
