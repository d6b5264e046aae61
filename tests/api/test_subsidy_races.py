"""经费奖补 under concurrency (PostgreSQL): 20 payments of one Home and year at once give one
201 and nineteen 409; 20 reversals of one payment give one 200."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Assessment, SubsidyPayment, SubsidyRate
from models.enums import AssessmentStatus, Grade
from tests.support.racing import N, api_call, assert_conflicts_named, race, race_app, statuses, token

pytestmark = pytest.mark.postgres
__all__ = ["race_app"]


@pytest.fixture()
def listed(world):
    _db.session.add(Assessment(home_id=world.home_a.id, year=2025,
                               status=AssessmentStatus.PUBLISHED, total=Decimal("92"),
                               grade=Grade.EXCELLENT, publicity_start=date(2026, 3, 1),
                               publicity_end=date(2026, 3, 7)))
    _db.session.add(SubsidyRate(year=2025, excellent=Decimal("50000"), good=Decimal("30000"),
                                pass_=Decimal("10000")))
    _db.session.commit()
    return world


def test_twenty_payments_at_once_give_one(listed, race_app):
    bearer = token(race_app, listed.admin)
    path = f"/subsidies/2025/homes/{listed.home_a.id}/payment"
    responses = race(race_app, [api_call("post", path, bearer,
                                         {"paid_on": "2026-03-18", "voucher": f"V{i}"})
                                for i in range(N)])
    assert statuses(responses) == {201: 1, 409: N - 1}
    assert_conflicts_named(responses)
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count(SubsidyPayment.id))) == 1
    responses = race(race_app, [api_call("delete", path, bearer, {"reason": "红冲"})
                                for _ in range(N)])
    assert statuses(responses) == {200: 1, 409: N - 1}


def test_rates_and_payments_at_once_never_disagree(listed, race_app):
    bearer = token(race_app, listed.admin)
    path = f"/subsidies/2025/homes/{listed.home_a.id}/payment"
    calls = [api_call("post", path, bearer, {"paid_on": "2026-03-18", "voucher": "V"})
             if i % 2 else api_call("put", "/subsidies/2025/rates", bearer,
                                    {"excellent": "60000", "good": "1", "pass": "1"})
             for i in range(N)]
    race(race_app, calls)
    _db.session.expire_all()
    payment = _db.session.scalar(sa.select(SubsidyPayment))
    rates = _db.session.scalar(sa.select(SubsidyRate))
    assert payment is not None and payment.amount == rates.excellent
