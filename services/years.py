"""The years RepHome accepts, as two named ranges that pages, API schemas and services share.

- `FILTER_YEARS` — a year one looks at: activity lists, dashboards, compliance, contacts, 履职档案,
  台账 and print lists. From 2000 to next year (Asia/Shanghai): nothing is dated later than today,
  and next year is kept so that a list can be opened for the year about to start.
- `PLAN_YEARS` — a year one plans or decides for: application rounds, a Home's yearly plan and
  funding, assessments. From 2000 to 2100, the CHECK constraints of those tables, so a round for
  2030 is valid today.

A value outside its range is refused with the field named (`check`, `integer_bounds` for
services.validation) or, where a page falls back to a default, read as absent (`parse`).
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

    def recent(self, count: int = 10) -> list[int]:
        """The years a page offers to choose from: this year first, then back, at most `count`."""
        return list(range(min(clock.today().year, self.last), self.first - 1, -1))[:count]


FILTER_YEARS = YearRange("filter", 2000, lambda: clock.today().year + 1)
PLAN_YEARS = YearRange("plan", 2000, lambda: 2100)
