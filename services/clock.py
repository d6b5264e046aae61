"""Today's date in Asia/Shanghai: every date rule of the SPEC is a calendar date there."""
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current instant, timezone-aware in UTC (tests replace it to move the clock)."""
    return datetime.now(UTC)


def today() -> date:
    """Today in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


def local(dt: datetime | None) -> datetime | None:
    """A timestamp shown in Asia/Shanghai."""
    return dt.astimezone(SHANGHAI) if dt is not None else None


def year_instants(year: int) -> tuple[datetime, datetime]:
    """The calendar year `year` in Asia/Shanghai as UTC instants [start, end)."""
    start = datetime.combine(date(year, 1, 1), time(), SHANGHAI).astimezone(UTC)
    end = datetime.combine(date(year + 1, 1, 1), time(), SHANGHAI).astimezone(UTC)
    return start, end
