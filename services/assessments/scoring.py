"""The automatic items of the annual assessment of Home H for year Y (SPEC §5.4), with evidence.

Pure computation: nothing is written. A fixed number of SQL statements is issued whatever the
amount of data (the Home, its plan, its team size, two grouped activity counts, the activity
evidence list and the compliance figures).
"""
import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import ITEMS, Activity, Home, HomePlan, ServiceTeamMember
from models.enums import ActivityStatus, Grade, Theme
from services import compliance, summaries

THEME_ITEMS = {"A1": Theme.PARTY_BUILDING, "A2": Theme.WINDOW, "A3": Theme.NEIGHBORHOOD,
               "A4": Theme.INNOVATION}
A_MAX = Fraction(35, 2)
CENT = Decimal("0.01")


def activity_target() -> int:
    return int(current_app.config.get("ACTIVITY_TARGET", 4))


def round2(value) -> Decimal:
    """Round to 2 decimals, halves up (exact for Fractions)."""
    if isinstance(value, (Fraction, int)):
        # Exact: floor(100·x + ½) / 100 for the non-negative scores of §5.4.
        cents = math.floor(Fraction(value) * 100 + Fraction(1, 2))
        return (Decimal(cents) / 100).quantize(CENT)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def grade_for(total: Decimal) -> Grade:
    """≥ 90 excellent, ≥ 75 good, ≥ 60 pass, else fail."""
    if total >= 90:
        return Grade.EXCELLENT
    if total >= 75:
        return Grade.GOOD
    if total >= 60:
        return Grade.PASS
    return Grade.FAIL


@dataclass
class ScoreResult:
    home_id: int
    year: int
    items: dict[str, Decimal]
    evidence: dict = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return sum(self.items.values(), Decimal("0"))

    @property
    def grade(self) -> Grade:
        return grade_for(self.total)


def _quarter(column):
    """The calendar quarter (1–4) of a date column, portable between SQLite and PostgreSQL."""
    return sa.case((sa.extract("month", column) <= 3, 1), (sa.extract("month", column) <= 6, 2),
                   (sa.extract("month", column) <= 9, 3), else_=4)


def score_items(home: Home, plan: HomePlan | None, team_size: int, by_theme: dict,
                quarters: int, rate: Fraction, target: int) -> dict[str, Decimal]:
    """SPEC §5.4 for one Home from its figures — pure; every item rounded to 2 decimals."""
    b1 = 4 * bool(home.venue_address.strip()) + 3 * bool(home.has_sign) \
        + 3 * bool(home.has_facilities)
    b2 = 4 * Fraction(int(bool(home.management_rules))) + 4 * rate + Fraction(2 * quarters, 4)
    b3 = 4 * bool(plan is not None and plan.plan.strip()) \
        + 3 * bool(plan is not None and plan.funding > 0) + 3 * bool(team_size >= 1)
    items = {"B1": round2(b1), "B2": round2(b2), "B3": round2(b3)}
    for code, theme in THEME_ITEMS.items():
        n = by_theme.get(theme, 0)
        items[code] = round2(A_MAX * min(Fraction(1), Fraction(n, target)))
    return {code: items[code] for code in ITEMS}


def compute_many(home_ids, year: int) -> dict[int, dict[str, Decimal]]:
    """{home_id: the seven automatic items} of several Homes at once (the batch behind
    `create_drafts`); no evidence. `home_ids` is a select of Home ids (or a list, for a few): every
    statement takes it as a subquery, so none carries a parameter per Home. A fixed number of
    grouped queries over the summary tables (services/summaries), whatever the activities."""
    if not isinstance(home_ids, sa.Select):
        home_ids = list(home_ids)
        if not home_ids:
            return {}
    homes = {h.id: h for h in db.session.scalars(
        sa.select(Home).where(Home.id.in_(home_ids)).order_by(Home.id))}
    plans = {p.home_id: p for p in db.session.scalars(sa.select(HomePlan).where(
        HomePlan.home_id.in_(home_ids), HomePlan.year == year))}
    teams = dict(db.session.execute(
        sa.select(ServiceTeamMember.home_id, sa.func.count(ServiceTeamMember.id))
        .where(ServiceTeamMember.home_id.in_(home_ids)).group_by(ServiceTeamMember.home_id)).all())
    by_theme: dict[int, dict] = {hid: {} for hid in homes}
    # Verified activities by Home and theme, published quarters and compliance, from the summary
    # tables (exact, kept with every write; services/summaries/writes.py): rows per Home and
    # month, not a scan of the year's activities.
    for hid, theme, n, _people in summaries.activity_rows(year, home_ids, by=("home_id", "theme")):
        if hid in by_theme and n:
            by_theme[hid][Theme(theme)] = int(n)
    quarters = summaries.published_quarters(year, home_ids)
    rates = {hid: compliance.HomeCompliance(hid, c, n) for hid, (c, n) in
             summaries.compliance_counts_by_home(year, home_ids, compliance.threshold()).items()}
    target = activity_target()
    none = compliance.HomeCompliance(0, 0, 0)
    return {hid: score_items(home, plans.get(hid), teams.get(hid, 0), by_theme[hid],
                             quarters.get(hid, 0), rates.get(hid, none).fraction, target)
            for hid, home in homes.items()}


def compute(home_id: int, year: int) -> ScoreResult:
    """The seven automatic items of Home `home_id` for `year`, with the evidence behind them."""
    home = db.session.get(Home, home_id)
    start, end = date(year, 1, 1), date(year, 12, 31)
    plan = db.session.scalar(sa.select(HomePlan).where(HomePlan.home_id == home_id,
                                                       HomePlan.year == year))
    team_size = db.session.scalar(sa.select(sa.func.count(ServiceTeamMember.id)).where(
        ServiceTeamMember.home_id == home_id)) or 0

    verified_in_year = (Activity.home_id == home_id, Activity.status == ActivityStatus.VERIFIED,
                        Activity.date >= start, Activity.date <= end)
    by_theme = {Theme(t): int(n) for t, n in db.session.execute(
        sa.select(Activity.theme, sa.func.count(Activity.id)).where(*verified_in_year)
        .group_by(Activity.theme))}
    quarter = _quarter(Activity.date)
    quarters = sorted(int(q) for q, _n in db.session.execute(
        sa.select(quarter, sa.func.count(Activity.id))
        .where(*verified_in_year, Activity.published.is_(True)).group_by(quarter)))
    activities = db.session.execute(
        sa.select(Activity.id, Activity.title, Activity.date, Activity.theme, Activity.published)
        .where(*verified_in_year).order_by(Activity.date, Activity.id)).all()
    rate = compliance.home(home_id, year)
    reps = compliance.representatives(year, home_id=home_id)

    target = activity_target()
    items = score_items(home, plan, team_size, by_theme, len(quarters), rate.fraction, target)

    evidence = {
        "B1": {"venue_address": home.venue_address, "has_sign": home.has_sign,
               "has_facilities": home.has_facilities},
        "B2": {"management_rules": home.management_rules,
               "compliant": rate.compliant, "representatives_total": rate.total,
               "rate": rate.fraction, "quarters": quarters,
               "representatives": [{"id": r.representative.id, "name": r.representative.name,
                                    "contacted_count": r.contacted_count,
                                    "compliant": r.compliant} for r in reps],
               "published_activities": [a for a in activities if a.published]},
        "B3": {"plan": bool(plan is not None and plan.plan.strip()),
               "funding": plan.funding if plan is not None else Decimal("0"),
               "team_size": team_size},
    }
    for code, theme in THEME_ITEMS.items():
        evidence[code] = {"theme": theme, "count": by_theme.get(theme, 0), "target": target,
                          "activities": [a for a in activities if a.theme == theme]}
    assert set(items) == set(ITEMS)
    return ScoreResult(home_id, year, items, evidence)
