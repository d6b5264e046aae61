"""Compliance, appeals, assessments and Homes on the dashboards (SPEC §5.1, §5.4, §5.5, §6):
per-Home compliance and 办结率 from the summary tables, the rest from their own rows."""
from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import Appeal, Assessment, Home
from models.enums import AppealStatus, AssessmentStatus, Grade, HomeStatus
from services import appeals, compliance, needs, summaries
from services.clock import today, year_instants
from services.dashboard.territory import (
    HANDLED_APPEALS,
    OPEN_APPEALS,
    HomeRow,
    Scope,
    home_conditions,
    home_id_list,
    home_ids_select,
    homes_in_scope,
    summary_home_ids,
)

# --- Compliance (SPEC §5.1, through services/compliance.py) ------------------------------------

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
    """compliance.homes() of the scope's Homes, read from the summary tables (per Home: its active
    representatives and those at the threshold's level), so the cost follows the number of Homes,
    not of contact records. Homes without active representatives are absent."""
    counts = summaries.compliance_counts_by_home(scope.year, summary_home_ids(scope),
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
        rows = compliance.representatives(scope.year, home_ids=home_id_list(scope))
        return [r for r in rows if r.representative.id == scope.representative_id]
    return compliance.representatives(scope.year, home_ids=home_id_list(scope))


def below_threshold(scope: Scope) -> list:
    """Active representatives of the scope with fewer than CONTACT_THRESHOLD workers contacted."""
    return [r for r in contacts_per_representative(scope) if not r.compliant]


# --- Appeals -----------------------------------------------------------------------------------

def _appeal_conditions(scope: Scope) -> list:
    conds = home_conditions(Appeal.home_id, scope)
    if scope.representative_id is not None:
        conds.append(Appeal.representative_id == scope.representative_id)
    return conds


def appeals_by_status(scope: Scope) -> dict:
    """Appeals received in the year (Asia/Shanghai) by status, all four present, with SPEC §5.5's
    `handling_rate` = (resolved + closed) / all (None when none) and `median_days` from received
    to resolved over the year's `resolved` ones (None when none) — one grouped query of
    summary_appeals (per Home × year × status × days), or two of the appeals for one
    representative's scope (the summary has no per-representative rows)."""
    counts = {s.value: 0 for s in AppealStatus}
    if scope.representative_id is None:
        stored, median = summaries.year_figures(scope.year, summary_home_ids(scope))
        counts.update({AppealStatus(k).value: n for k, n in stored.items()})
    else:
        start, end = year_instants(scope.year)
        in_year = [Appeal.created_at >= start, Appeal.created_at < end,
                   *_appeal_conditions(scope)]
        for status, n in db.session.execute(
                sa.select(Appeal.status, sa.func.count(Appeal.id)).where(*in_year)
                .group_by(Appeal.status)):
            counts[AppealStatus(status).value] = int(n)
        median = appeals.median_days(appeals.resolved_pairs(in_year))
    total = sum(counts.values())
    handled = sum(counts[s.value] for s in HANDLED_APPEALS)
    return {"counts": counts, "total": total, "handled": handled,
            "handling_rate": appeals.handling_rate(handled, total),
            "median_days": median}


def appeals_open(scope: Scope) -> int:
    """Appeals of the scope still open now (received + forwarded), whenever received."""
    if scope.representative_id is None:
        return summaries.open_count(OPEN_APPEALS, summary_home_ids(scope))
    return db.session.scalar(
        sa.select(sa.func.count(Appeal.id)).where(Appeal.status.in_(OPEN_APPEALS),
                                                  *_appeal_conditions(scope))) or 0


# --- Assessments -------------------------------------------------------------------------------

def assessments(scope: Scope, *, include_unpublished: bool = False) -> dict:
    """Assessments of the year: the ranking (total, highest first) and the grade distribution.

    Published ones only unless `include_unpublished` (provincial admins see drafts and finals in
    the ranking, each with its status); the grade distribution never counts drafts."""
    conds = [Assessment.year == scope.year, *home_conditions(Assessment.home_id, scope)]
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
    grades = {g.value: 0 for g in Grade}  # decided results only: a draft's grade is provisional
    for grade, n in db.session.execute(
            sa.select(Assessment.grade, sa.func.count(Assessment.id))
            .where(*conds, Assessment.grade.is_not(None),
                   Assessment.status != AssessmentStatus.DRAFT).group_by(Assessment.grade)):
        grades[Grade(grade).value] = int(n)
    return {"ranking": ranking, "grades": grades}


def latest_assessment_year(scope: Scope, *, include_unpublished: bool = False) -> int:
    """The latest year ≤ scope.year with assessments in the scope (scope.year when none):
    a year's assessments are made early the next year, so this year usually has none yet."""
    conds = [Assessment.year <= scope.year, *home_conditions(Assessment.home_id, scope)]
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
            .where(*home_conditions(Home.id, scope)).group_by(Home.status))
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
                   *home_conditions(Home.id, scope))
            .order_by(Home.expires_on, Home.name))
    return [{"home_id": i, "name": n, "expires_on": e, "days_left": (e - on).days}
            for i, n, e in db.session.execute(stmt)]


def need_figures(scope: Scope) -> dict:
    """需求对接 figures of the scope's year (SPEC §5.11, services/needs/figures.py): one Home's,
    the Homes of a city or unit kind, or the province's."""
    if scope.home_id is not None:
        return needs.need_figures(scope.year, home_id=scope.home_id)
    if scope.narrows_homes:
        return needs.need_figures(scope.year, home_ids=home_ids_select(scope))
    return needs.need_figures(scope.year)
