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

from extensions import db
from models import ContactRecord, Home, User
from models.enums import Role


def threshold() -> int:
    """CONTACT_THRESHOLD from config (default 5)."""
    return int(current_app.config.get("CONTACT_THRESHOLD", 5))


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def contacted_counts(year: int):
    """A subquery: representative_id → number of distinct workers contacted in `year`."""
    start, end = year_bounds(year)
    return (
        sa.select(ContactRecord.representative_id.label("representative_id"),
                  sa.func.count(sa.distinct(ContactRecord.worker_id)).label("contacted"))
        .where(ContactRecord.date >= start, ContactRecord.date <= end)
        .group_by(ContactRecord.representative_id)
        .subquery()
    )


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
                    include_inactive: bool = False) -> list[RepresentativeCompliance]:
    """Each representative (of a Home, several, or all) with their count — one query."""
    counts = contacted_counts(year)
    contacted = sa.func.coalesce(counts.c.contacted, 0)
    stmt = (sa.select(User, contacted)
            .outerjoin(counts, counts.c.representative_id == User.id)
            .where(User.role == Role.REPRESENTATIVE)
            .order_by(User.home_id, User.name, User.id))
    if home_id is not None:
        stmt = stmt.where(User.home_id == home_id)
    if home_ids is not None:
        stmt = stmt.where(User.home_id.in_(home_ids))
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    limit = threshold()
    return [RepresentativeCompliance(user, int(n), int(n) >= limit)
            for user, n in db.session.execute(stmt)]


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
    counts = contacted_counts(year)
    compliant = sa.func.sum(sa.case((sa.func.coalesce(counts.c.contacted, 0) >= threshold(), 1),
                                    else_=0))
    stmt = (sa.select(User.home_id, compliant, sa.func.count(User.id))
            .outerjoin(counts, counts.c.representative_id == User.id)
            .where(User.role == Role.REPRESENTATIVE, User.active.is_(True))
            .group_by(User.home_id))
    home_stmt = sa.select(Home.id)
    if home_ids is not None:
        ids = list(home_ids)
        stmt = stmt.where(User.home_id.in_(ids))
        home_stmt = home_stmt.where(Home.id.in_(ids))
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
