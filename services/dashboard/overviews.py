"""Dashboard aggregates (SPEC §6), computed in SQL for a year and a scope.

A scope is the province, optionally narrowed to a city (Unit.city) and/or a unit kind (Unit.kind),
or one Home, or one representative; a theme filter narrows activity counts. Every function issues
a fixed number of statements whatever the size of the data: counts are `count`/`sum` with
`group_by`, never rows loaded to be counted in Python.

Only VERIFIED activities count. An activity is one row even when representatives co-organise it:
co-organisers are never joined into a count, so such an activity counts once (SPEC §6b).

The figures live by meaning in scope.py (Scope and the conditions narrowing to it),
activities.py and figures.py (compliance, appeals, assessments, Homes); this module holds the
KPIs and the whole pages; `services.dashboard` (the package surface) exports what callers use.
"""
from dataclasses import replace

import sqlalchemy as sa

from extensions import db
from models import Home, User
from models.enums import HomeStatus, Role
from services import compliance
from services.dashboard.activities import (
    ActivityStats,
    activity_stats,
    home_theme_counts,
    linked_levels,
    representative_month_counts,
)
from services.dashboard.figures import (
    appeals_by_status,
    appeals_open,
    compliance_by_home,
    compliance_homes,
    contacts_per_representative,
    expiring_homes,
    homes_by_status,
    latest_assessments,
)
from services.dashboard.territory import (
    Scope,
    activity_target,
    home_conditions,
    homes_in_scope,
)

# --- KPIs --------------------------------------------------------------------------------------

def active_homes(scope: Scope) -> int:
    return db.session.scalar(sa.select(sa.func.count(Home.id)).where(
        Home.status == HomeStatus.ACTIVE, *home_conditions(Home.id, scope))) or 0


def active_representatives(scope: Scope) -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.role == Role.REPRESENTATIVE, User.active.is_(True),
        *home_conditions(User.home_id, scope))) or 0


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

#: The parts of the province overview, each computed on its own (an export asks for one table's).
PROVINCE_PARTS = ("kpis", "activities", "linked_levels", "by_home", "compliance", "assessments",
                  "appeals", "homes_by_status", "expiring")


def province_overview(scope: Scope, *, include_unpublished: bool = True,
                      parts=PROVINCE_PARTS) -> dict:
    """What the province dashboard shows, in a fixed number of statements: a dict holding the
    named `parts` (PROVINCE_PARTS, all by default) and only those, so an export of one table
    computes that table's figures alone. Figures shared by parts (the Homes of the territory,
    the activity stats, the per-Home compliance) are read once."""
    wanted = set(parts)
    unknown = wanted - set(PROVINCE_PARTS)
    if unknown:
        raise ValueError(f"unknown parts: {sorted(unknown)}")
    homes = homes_in_scope(scope) if wanted & {"by_home", "compliance"} else None
    stats = activity_stats(scope) if wanted & {"kpis", "activities"} else None
    by_home = compliance_homes(scope) if wanted & {"kpis", "compliance"} else None
    makers = {
        "kpis": lambda: kpis(scope, stats=stats, by_home=by_home),
        "activities": lambda: stats,
        "linked_levels": lambda: linked_levels(scope),
        "by_home": lambda: home_theme_counts(scope, homes),
        "compliance": lambda: compliance_by_home(scope, homes, by_home),
        "assessments": lambda: latest_assessments(scope, include_unpublished=include_unpublished),
        "appeals": lambda: appeals_by_status(scope),
        "homes_by_status": lambda: homes_by_status(scope),
        "expiring": lambda: expiring_homes(scope),
    }
    return {part: makers[part]() for part in PROVINCE_PARTS if part in wanted}


#: The parts of a Home's overview, each computed on its own.
HOME_PARTS = ("kpis", "activities", "linked_levels", "heatmap", "contacts", "below",
              "assessments", "appeals")


def home_overview(scope: Scope, *, include_unpublished: bool = False,
                  parts=HOME_PARTS) -> dict:
    """What a Home dashboard shows (scope.home_id set), in a fixed number of statements: a dict
    holding the named `parts` (HOME_PARTS, all by default) and only those."""
    wanted = set(parts)
    unknown = wanted - set(HOME_PARTS)
    if unknown:
        raise ValueError(f"unknown parts: {sorted(unknown)}")
    contacts = (contacts_per_representative(scope)
                if wanted & {"kpis", "contacts", "below"} else None)
    stats = activity_stats(scope) if wanted & {"kpis", "activities"} else None

    def home_kpis():
        by_home = {scope.home_id: compliance.HomeCompliance(
            scope.home_id, sum(r.compliant for r in contacts), len(contacts))}
        return kpis(scope, stats=stats, by_home=by_home)

    makers = {
        "kpis": home_kpis,
        "activities": lambda: stats,
        "linked_levels": lambda: linked_levels(scope),
        "heatmap": lambda: representative_month_counts(scope),
        "contacts": lambda: contacts,
        "below": lambda: [r for r in contacts if not r.compliant],
        "assessments": lambda: latest_assessments(scope, include_unpublished=include_unpublished),
        "appeals": lambda: appeals_by_status(scope),
    }
    return {part: makers[part]() for part in HOME_PARTS if part in wanted}


def representative_overview(scope: Scope) -> dict:
    """A representative's own progress (scope.representative_id set): contacts toward the
    threshold, own verified activities by theme, appeals; and, when scope.home_id names their
    Home, that Home's verified activities by theme (`home_activities`) beside the yearly target
    per theme — a target of the Home's assessment, not a personal one."""
    own = replace(scope, home_id=None)
    home = (activity_stats(replace(scope, representative_id=None))
            if scope.home_id is not None else None)
    return {
        "contacted": compliance.contacted_count(scope.representative_id, scope.year),
        "threshold": compliance.threshold(),
        "target": activity_target(),
        "activities": activity_stats(own),
        "home_activities": home,
        "appeals": appeals_by_status(own),
    }
