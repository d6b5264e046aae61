"""When an open appeal is overdue: still 已受理 or 已转办 and received more than
APPEAL_OVERDUE_DAYS (default 15) calendar days ago in Asia/Shanghai (docs/rules.md)."""
from datetime import UTC, datetime, time, timedelta

from flask import current_app

from models import Appeal
from models.enums import AppealStatus
from services import clock

OPEN = (AppealStatus.RECEIVED, AppealStatus.FORWARDED)


def overdue_days() -> int:
    """APPEAL_OVERDUE_DAYS from config (default 15)."""
    return int(current_app.config.get("APPEAL_OVERDUE_DAYS", 15))


def overdue_before() -> datetime:
    """The UTC instant an open appeal must have been received before to be overdue today: the
    start (Asia/Shanghai) of the day APPEAL_OVERDUE_DAYS days ago — received on that day it has
    waited exactly that many days, which is not yet more."""
    day = clock.today() - timedelta(days=overdue_days())
    return datetime.combine(day, time(), clock.SHANGHAI).astimezone(UTC)


def is_overdue(appeal: Appeal, before: datetime | None = None) -> bool:
    """The same rule as `overdue_clause` for one loaded appeal (`before`: `overdue_before()`,
    passed in when a page marks many)."""
    return appeal.status in OPEN and appeal.created_at < (before or overdue_before())


def overdue_clause():
    """A WHERE clause on Appeal: open and received before `overdue_before()`."""
    return Appeal.status.in_(OPEN) & (Appeal.created_at < overdue_before())
