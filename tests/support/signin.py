"""Fixtures of the sign-in tests: a movable clock (services.clock.now and .today together) and an
activity of today."""
from datetime import UTC, datetime

import pytest

from extensions import db as _db
from models.enums import ActivityStatus
from services.clock import SHANGHAI
from tests.support import factories as f

#: 10:00 on 7 December 2026 in Asia/Shanghai.
MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


class Clock:
    """The test's clock: `set(datetime)` moves services.clock.now and services.clock.today."""

    def __init__(self, monkeypatch):
        self.moment = MORNING.astimezone(UTC)
        monkeypatch.setattr("services.clock.now", lambda: self.moment)
        monkeypatch.setattr("services.clock.today", lambda: self.moment.astimezone(SHANGHAI).date())

    def set(self, moment: datetime) -> None:
        self.moment = moment.astimezone(UTC)

    @property
    def today(self):
        return self.moment.astimezone(SHANGHAI).date()


@pytest.fixture()
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture()
def event(world, clock):
    """A draft activity of rep_a, dated today, with rep_a2 as co-organiser; committed."""
    activity = f.activity(world.rep_a, date=clock.today, status=ActivityStatus.DRAFT,
                          title="青年科技工作者座谈会", participants=30)
    activity.co_organizers = [world.rep_a2]
    _db.session.commit()
    return activity
