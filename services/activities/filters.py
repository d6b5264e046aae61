"""The filters of every activity list — my activities, the Home's and the province's activities,
the review queue and `GET /api/v1/activities` — read by one validator and applied by one query
builder.

The filters: `status` and `theme` (an enum value), `year` (a filter year, services.years), `home_id`
(a positive id; the scope still decides what is visible) and `q` (a keyword, search.py). An empty
or missing value is no filter. A bad value is never applied: `read_filters` names it in
`FilterReading.errors`, and each caller renders that its own way — the API refuses with 422 naming
the field (`require_filters`), pages show the list without it and say "已忽略无效的筛选条件".
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from models import Activity
from models.enums import ActivityStatus, Theme
from services.activities.search import filter_activities, normalize
from services.errors import ValidationFailed
from services.input_rules import INT_MAX
from services.years import FILTER_YEARS

FILTER_FIELDS = ("status", "theme", "year", "home_id", "q")
LABELS = {"status": "状态", "theme": "主题", "year": "年份", "home_id": "代表之家", "q": "关键词"}
IGNORED_NOTICE = "已忽略无效的筛选条件"


@dataclass(frozen=True)
class ActivityFilters:
    """Valid filter values; '' or None where a filter is unused."""

    status: str = ""
    theme: str = ""
    year: int | None = None
    home_id: int | None = None
    q: str = ""

    def form_values(self) -> dict:
        """The values as a filter form shows them (strings, '' when unused)."""
        return {"status": self.status, "theme": self.theme,
                "year": "" if self.year is None else str(self.year),
                "home_id": "" if self.home_id is None else str(self.home_id), "q": self.q}


@dataclass(frozen=True)
class FilterReading:
    """What `read_filters` made of a query: the valid `filters`, and for each bad value its field
    and Chinese message (`errors`, empty when all were valid)."""

    filters: ActivityFilters
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def notice(self) -> str:
        """'已忽略无效的筛选条件：年份、状态' for a page, '' when nothing was ignored."""
        if not self.errors:
            return ""
        return f"{IGNORED_NOTICE}：" + "、".join(LABELS[name] for name in self.errors)


def _text(value) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _choice(value: str, enum_cls) -> str | None:
    return value if value in enum_cls.values() else None


def _positive_id(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 10:
        number = int(value)
    else:
        return None
    return number if 1 <= number <= INT_MAX else None


def read_filters(args: Mapping, accept: Iterable[str] = FILTER_FIELDS) -> FilterReading:
    """Validate the filters named in `accept` from `args` (a query string or parsed arguments;
    strings or ints). Missing or empty values are no filter; other fields of `args` are not read.

    Returns the valid filters and, per bad field, why it was refused: a status or theme that is not
    one of the enum's values, a year outside FILTER_YEARS, a home_id that is not a positive 32-bit
    integer."""
    accept = set(accept)
    values: dict = {}
    errors: dict[str, list[str]] = {}
    raw = {name: _text(args.get(name)) for name in FILTER_FIELDS if name in accept}
    for name, enum_cls in (("status", ActivityStatus), ("theme", Theme)):
        if raw.get(name):
            value = _choice(raw[name], enum_cls)
            if value is None:
                errors[name] = [f"可选值：{'、'.join(enum_cls.values())}"]
            else:
                values[name] = value
    if raw.get("year"):
        year = FILTER_YEARS.parse(args.get("year"))
        if year is None:
            errors["year"] = [FILTER_YEARS.message()]
        else:
            values["year"] = year
    if raw.get("home_id"):
        home_id = _positive_id(args.get("home_id"))
        if home_id is None:
            errors["home_id"] = ["代表之家编号应为正整数"]
        else:
            values["home_id"] = home_id
    if "q" in accept:
        values["q"] = normalize(args.get("q"))
    return FilterReading(ActivityFilters(**values), errors)


def require_filters(args: Mapping, accept: Iterable[str] = FILTER_FIELDS) -> ActivityFilters:
    """`read_filters` for the API: the valid filters, or ValidationFailed (422) naming every bad
    field."""
    reading = read_filters(args, accept)
    if reading.errors:
        raise ValidationFailed(reading.errors)
    return reading.filters


def apply_filters(stmt, filters: ActivityFilters):
    """`stmt` (a select of Activity, already scoped) narrowed by every filter in use."""
    if filters.status:
        stmt = stmt.where(Activity.status == filters.status)
    if filters.theme:
        stmt = stmt.where(Activity.theme == filters.theme)
    if filters.year is not None:
        stmt = stmt.where(Activity.date >= date(filters.year, 1, 1),
                          Activity.date <= date(filters.year, 12, 31))
    if filters.home_id is not None:
        stmt = stmt.where(Activity.home_id == filters.home_id)
    return filter_activities(stmt, filters.q)
