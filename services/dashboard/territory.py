"""Dashboard scopes (SPEC §6): what a dashboard looks at — a year and the province, a city, a
unit kind, a Home or a representative, with an optional theme — and the SQL conditions and Home
lists that narrow every figure to it."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import Activity, Home, Unit, activity_co_organizers
from models.enums import ActivityStatus, AppealStatus, HomeStatus, Theme

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




def home_ids_select(scope: Scope):
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


def home_conditions(column, scope: Scope) -> list:
    """Conditions keeping rows whose Home column lies in the scope's territory."""
    if scope.city or scope.unit_kind:
        return [column.in_(home_ids_select(scope))]
    if scope.home_id is not None:
        return [column == scope.home_id]
    return []


def activity_conditions(scope: Scope, *, with_theme: bool = True) -> list:
    """Verified activities dated in the scope's year, in its territory (and theme)."""
    start, end = _year_bounds(scope.year)
    conds = [Activity.status == ActivityStatus.VERIFIED, Activity.date >= start,
             Activity.date <= end]
    conds += home_conditions(Activity.home_id, scope)
    if scope.representative_id is not None:
        # Organised or co-organised by the representative; IN (not a join) keeps one row each.
        conds.append(sa.or_(
            Activity.organizer_id == scope.representative_id,
            Activity.id.in_(sa.select(activity_co_organizers.c.activity_id).where(
                activity_co_organizers.c.user_id == scope.representative_id))))
    if with_theme and scope.theme:
        conds.append(Activity.theme == scope.theme)
    return conds


def activity_month():
    """The month (1–12) of an activity's date, as SQL."""
    return sa.extract("month", Activity.date)


def summary_home_ids(scope: Scope):
    """The scope's Homes for the summary tables: None (all), or a list / select of ids."""
    if scope.city or scope.unit_kind:
        return home_ids_select(scope)
    return [scope.home_id] if scope.home_id is not None else None


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


def home_id_list(scope: Scope):
    """The scope's Home ids as a list (None for the whole province)."""
    if not scope.narrows_homes:
        return None
    if scope.home_id is not None and not (scope.city or scope.unit_kind):
        return [scope.home_id]
    return list(db.session.scalars(home_ids_select(scope)))
