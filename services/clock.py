"""Today's date in Asia/Shanghai: every date rule of the SPEC is a calendar date there."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


def local(dt: datetime | None) -> datetime | None:
    """A timestamp shown in Asia/Shanghai."""
    return dt.astimezone(SHANGHAI) if dt is not None else None
