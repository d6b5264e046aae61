"""Verified activities on the dashboards (SPEC §6): theme × month, participants, per Home by
theme and per representative by month — from the summary tables for Homes and the province, from
the activities for one representative (whose co-organised activities only the raw rows know)."""
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from extensions import db
from models import Activity, User
from models.enums import HomeStatus, Role, Theme
from services import summaries
from services.dashboard.territory import (
    MONTHS,
    THEMES,
    HomeRow,
    Scope,
    activity_conditions,
    activity_month,
    home_conditions,
    homes_in_scope,
    summary_home_ids,
)


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


def linked_levels(scope: Scope) -> dict:
    """三级联动 of the scope's verified activities of the year (SPEC §5.12): {count, share}, share
    in [0, 1] and 0 when there is no verified activity — from summary_activities, so its cost
    follows the Homes. A representative's scope counts the activities they (co-)organised."""
    if scope.representative_id is None:
        return summaries.linked_levels(scope.year, summary_home_ids(scope), scope.theme)
    count, total = db.session.execute(
        sa.select(sa.func.count(Activity.id).filter(Activity.linked_levels.is_(True)),
                  sa.func.count(Activity.id)).where(*activity_conditions(scope))).one()
    return {"count": int(count or 0), "share": int(count or 0) / total if total else 0.0}


def activity_stats(scope: Scope) -> ActivityStats:
    """Verified activities by theme and month (all four themes, zeros included) and the sum of
    participants — one grouped query (on summary_activities unless the scope is one
    representative's, whose co-organised activities only the raw rows know)."""
    if scope.representative_id is None:
        stats = ActivityStats({t.value: [0] * 12 for t in THEMES}, 0)
        for theme, m, n, people in summaries.activity_rows(
                scope.year, summary_home_ids(scope), scope.theme):
            stats.by_theme_month[Theme(theme).value][int(m) - 1] += int(n or 0)
            stats.participants += int(people or 0)
        return stats
    month = activity_month()
    stmt = (sa.select(Activity.theme, month, sa.func.count(Activity.id),
                      sa.func.coalesce(sa.func.sum(Activity.participants), 0))
            .where(*activity_conditions(scope))
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


def home_theme_counts(scope: Scope, homes: list[HomeRow] | None = None) -> list[dict]:
    """Per Home: verified activities by theme and in total — one grouped query (plus the Homes).

    Homes listed are the active ones of the territory and any other that has counted activities."""
    homes = homes if homes is not None else homes_in_scope(scope)
    if scope.representative_id is None:  # the Homes' summary rows; they hold no representative
        rows = ((h, t, n) for h, t, n, _ in summaries.activity_rows(
            scope.year, summary_home_ids(scope), scope.theme, by=("home_id", "theme")))
    else:
        rows = db.session.execute(
            sa.select(Activity.home_id, Activity.theme, sa.func.count(Activity.id))
            .where(*activity_conditions(scope)).group_by(Activity.home_id, Activity.theme))
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
                 .order_by(User.name_key, User.id))
    reps_stmt = reps_stmt.where(*home_conditions(User.home_id, scope))
    if scope.representative_id is not None:
        reps_stmt = reps_stmt.where(User.id == scope.representative_id)
    month = activity_month()
    conds = activity_conditions(replace(scope, representative_id=None))
    if scope.representative_id is not None:
        conds.append(Activity.organizer_id == scope.representative_id)
    stmt = (sa.select(Activity.organizer_id, month, sa.func.count(Activity.id))
            .where(*conds).group_by(Activity.organizer_id, month))
    counts: dict[int, list[int]] = {}
    for rep_id, m, n in db.session.execute(stmt):
        counts.setdefault(rep_id, [0] * 12)[int(m) - 1] = int(n)
    return [{"id": rid, "name": name, "months": counts.get(rid, [0] * 12)}
            for rid, name in db.session.execute(reps_stmt)]



def verified_activities(scope: Scope) -> int:
    """Verified activities of the scope dated in its year (with the theme filter)."""
    if scope.representative_id is None:
        return activity_stats(scope).total
    return db.session.scalar(sa.select(sa.func.count(Activity.id)).where(
        *activity_conditions(scope))) or 0
