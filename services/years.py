"""The years RepHome accepts, as two named ranges that pages, API schemas and services share.

- `FILTER_YEARS` — a year one looks at: activity lists, dashboards, compliance, contacts, 履职档案,
  台账 and print lists. From 2000 to next year (Asia/Shanghai): nothing is dated later than today,
  and next year is kept so that a list can be opened for the year about to start.
- `PLAN_YEARS` — a year one plans or decides for: application rounds, a Home's yearly plan and
  funding, assessments. From 2000 to 2100, the CHECK constraints of those tables, so a round for
  2030 is valid today.

A value outside its range is refused with the field named (`check`, `integer_bounds` for
services.validation) or, where a page falls back to a default, read as absent (`parse`).

What a page's year picker offers is narrower (`offered`): the years that hold anything — from the
first year of any activity, Home recognition, application round or assessment (`first_data_year`)
to this year — not every year the range would accept.
"""
from collections.abc import Callable
from dataclasses import dataclass

from services import clock
from services.errors import ValidationFailed


@dataclass(frozen=True)
class YearRange:
    """A named range of calendar years: `first` is fixed, the last may follow the calendar."""

    name: str
    first: int
    _last: Callable[[], int]

    @property
    def last(self) -> int:
        """The last valid year (for FILTER_YEARS: next year in Asia/Shanghai)."""
        return self._last()

    def __contains__(self, year) -> bool:
        return (isinstance(year, int) and not isinstance(year, bool)
                and self.first <= year <= self.last)

    def message(self, label: str = "年份") -> str:
        """'<label>应在<first>到<last>之间' — the refusal every caller shows."""
        return f"{label}应在{self.first}到{self.last}之间"

    def check(self, year: int, field: str = "year", label: str = "年份") -> int:
        """`year` when it is in the range, else ValidationFailed naming `field` (422)."""
        if year not in self:
            raise ValidationFailed({field: [self.message(label)]})
        return year

    def parse(self, raw) -> int | None:
        """A year from a query string or form value ('2026', 2026), or None when it is absent, no
        number or out of the range."""
        if isinstance(raw, str):
            text = raw.strip()
            if not (text.isascii() and text.isdigit()) or len(text) > 4:
                return None
            raw = int(text)
        return raw if raw in self else None

    def offered(self, selected: int | None = None) -> list[int]:
        """The years a page's picker offers, this year first and back to the first year that holds
        anything (`first_data_year`; this year alone on an empty platform), within the range;
        `selected` (a year of the range opened by its address) is offered too."""
        this_year = min(clock.today().year, self.last)
        first = max(self.first, min(first_data_year(), this_year))
        years = list(range(this_year, first - 1, -1))
        if selected in self and selected not in years:
            years = sorted([*years, selected], reverse=True)
        return years

    def recent(self, count: int = 10) -> list[int]:
        """`offered()`, at most `count` years (for pickers that show only the latest)."""
        return self.offered()[:count]


def first_data_year() -> int:
    """The first year anything is recorded in: the earliest activity date, Home recognition,
    application round or assessment year (this year when there is none) — one SELECT of four
    minimums, each read from an index or a small table."""
    import sqlalchemy as sa

    from extensions import db
    from models import Activity, ApplicationRound, Assessment, Home

    earliest = db.session.execute(sa.select(
        sa.select(sa.func.min(Activity.date)).scalar_subquery(),
        sa.select(sa.func.min(Home.recognized_on)).scalar_subquery(),
        sa.select(sa.func.min(ApplicationRound.year)).scalar_subquery(),
        sa.select(sa.func.min(Assessment.year)).scalar_subquery())).one()
    years = [value if isinstance(value, int)
             else int(value[:4]) if isinstance(value, str) else value.year
             for value in earliest if value is not None]
    return min(years, default=clock.today().year)


FILTER_YEARS = YearRange("filter", 2000, lambda: clock.today().year + 1)
PLAN_YEARS = YearRange("plan", 2000, lambda: 2100)
