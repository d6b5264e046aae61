"""经费奖补 (SPEC §5.12) through the API: which Homes are listed, rates per grade as Decimals,
one payment per Home and year, its reversal (红冲) and a corrected payment, rates fixed once paid,
every write audited, the office only."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Assessment, AuditLog, Objection, SubsidyPayment, SubsidyRate, User
from models.enums import AssessmentStatus, Grade, ObjectionDecision, Role
from services import clock
from tests.conftest import count_statements
from tests.support import factories as f

TODAY = date(2026, 3, 20)
RATES = {"excellent": "50000", "good": "30000.5", "pass": 10000.25}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def published(home, grade=Grade.EXCELLENT, total="95", end=date(2026, 3, 7), year=2025):
    a = Assessment(home_id=home.id, year=year, status=AssessmentStatus.PUBLISHED,
                   total=Decimal(total), grade=grade, publicity_start=end.replace(day=1),
                   publicity_end=end)
    _db.session.add(a)
    _db.session.commit()
    return a


def _set_rates(api, world, body=None, year=2025):
    return api(world.admin).put(f"/subsidies/{year}/rates", json=body or RATES)


def _pay(api, world, home, voucher="记账凭证 2026-031", year=2025):
    return api(world.admin).post(f"/subsidies/{year}/homes/{home.id}/payment",
                                 json={"paid_on": "2026-03-18", "voucher": voucher})


def test_rates_are_decimals_with_two_places(api, world):
    resp = _set_rates(api, world)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"year": 2025, "excellent": "50000.00", "good": "30000.50",
                               "pass": "10000.25", "fail": "0.00"}
    rates = _db.session.scalar(sa.select(SubsidyRate))
    assert isinstance(rates.good, Decimal) and rates.good == Decimal("30000.50")
    assert _db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "set_subsidy_rates"))


@pytest.mark.parametrize("body,field", [
    ({"excellent": "-1", "good": "1", "pass": "1"}, "excellent"),
    ({"excellent": "1", "good": "1.005", "pass": "1"}, "good"),
    ({"excellent": "1", "good": "1", "pass": "abc"}, "pass"),
    ({"excellent": "1", "good": "1"}, "pass"),
    ({"excellent": True, "good": "1", "pass": "1"}, "excellent"),
    ({"excellent": "1e30", "good": "1", "pass": "1"}, "excellent"),
    ({"excellent": "NaN", "good": "1", "pass": "1"}, "excellent"),
])
def test_bad_rates_name_the_field(api, world, body, field):
    resp = _set_rates(api, world, body)
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["fields"]


def test_listed_are_homes_whose_result_stands(api, world):
    a = published(world.home_a, Grade.GOOD, "80")
    b = published(world.home_b, Grade.EXCELLENT, "96", end=date(2026, 3, 25))  # window open
    _set_rates(api, world)
    body = api(world.admin).get("/subsidies/2025").get_json()
    assert [r["home_id"] for r in body["items"]] == [world.home_a.id]
    row = body["items"][0]
    assert row["grade"] == "good" and row["amount"] == "30000.50" and row["payment"] is None
    assert body["total_amount"] == "30000.50" and body["total_paid"] == "0.00"
    # The window of B has ended, but an objection waits: still not listed.
    b.publicity_end = date(2026, 3, 10)
    _db.session.add(Objection(assessment_id=b.id, name="甲", contact="1", text="异议",
                              receipt="R" * 12))
    _db.session.commit()
    assert [r["home_id"] for r in api(world.admin).get("/subsidies/2025").get_json()["items"]] \
        == [world.home_a.id]
    assert _pay(api, world, world.home_b).status_code == 409
    # Dismissed: listed (excellent first).
    _db.session.execute(sa.update(Objection).values(decision=ObjectionDecision.DISMISS,
                                                    response="不成立"))
    _db.session.commit()
    items = api(world.admin).get("/subsidies/2025").get_json()["items"]
    assert [r["home_id"] for r in items] == [world.home_b.id, world.home_a.id]
    assert a.id in [r["assessment_id"] for r in items]


def test_an_upheld_objection_takes_the_home_off_the_list(api, world, monkeypatch):
    a = published(world.home_a, end=date(2026, 3, 25))
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 10))
    resp = api().post(f"/assessments/{a.id}/objections",
                      json={"name": "李四", "contact": "139", "text": "不实"})
    assert resp.status_code == 201
    objection = _db.session.scalar(sa.select(Objection))
    resp = api(world.admin).post(f"/objections/{objection.id}/decision",
                                 json={"decision": "uphold", "response": "成立"})
    assert resp.status_code == 200, resp.get_json()
    monkeypatch.setattr(clock, "today", lambda: date(2026, 4, 10))
    _set_rates(api, world)
    assert api(world.admin).get("/subsidies/2025").get_json()["items"] == []
    assert _pay(api, world, world.home_a).status_code == 409


def test_window_not_ended_is_refused(api, world):
    published(world.home_a, end=TODAY)  # the last day of the window is today
    _set_rates(api, world)
    assert api(world.admin).get("/subsidies/2025").get_json()["items"] == []
    resp = _pay(api, world, world.home_a)
    assert resp.status_code == 409 and "公示期" in resp.get_json()["error"]["message"]


def test_pay_once_reverse_and_pay_again(api, world):
    published(world.home_a)
    assert _pay(api, world, world.home_a).status_code == 409  # no rates yet
    _set_rates(api, world)
    resp = _pay(api, world, world.home_a)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["amount"] == "50000.00"
    second = _pay(api, world, world.home_a, voucher="另一张")
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "conflict"
    # Rates are fixed while a payment stands.
    assert _set_rates(api, world, {"excellent": "1", "good": "1", "pass": "1"}).status_code == 409
    office = api(world.admin)
    assert office.delete(f"/subsidies/2025/homes/{world.home_a.id}/payment",
                         json={}).status_code == 422
    resp = office.delete(f"/subsidies/2025/homes/{world.home_a.id}/payment",
                         json={"reason": "凭证号填错"})
    assert resp.status_code == 200 and resp.get_json()["reversed"] is True
    assert office.delete(f"/subsidies/2025/homes/{world.home_a.id}/payment",
                         json={"reason": "再次"}).status_code == 409
    # Fixed for good: every payment of the year reversed still leaves the rates as they were.
    fixed = _set_rates(api, world, {"excellent": "1", "good": "1", "pass": "1"})
    assert fixed.status_code == 409, fixed.get_json()
    assert "已固定" in fixed.get_json()["error"]["message"]
    assert office.get("/subsidies/2025").get_json()["rates_fixed"] is True
    assert _pay(api, world, world.home_a, voucher="更正凭证").status_code == 201
    body = office.get("/subsidies/2025").get_json()
    row = body["items"][0]
    assert row["payment"]["voucher"] == "更正凭证"
    assert [p["voucher"] for p in row["reversed_payments"]] == ["记账凭证 2026-031"]
    assert body["total_paid"] == "50000.00" and body["paid_count"] == 1
    rows = list(_db.session.scalars(sa.select(SubsidyPayment).order_by(SubsidyPayment.id)))
    assert [p.current for p in rows] == [None, True]
    actions = set(_db.session.scalars(sa.select(AuditLog.action)))
    assert {"subsidy_paid", "subsidy_reversed", "set_subsidy_rates"} <= actions


def test_a_failed_home_gets_nothing_to_pay(api, world):
    published(world.home_a, Grade.FAIL, "50")
    _set_rates(api, world)
    row = api(world.admin).get("/subsidies/2025").get_json()["items"][0]
    assert row["amount"] == "0.00"
    assert _pay(api, world, world.home_a).status_code == 409


@pytest.mark.parametrize("body,field", [
    ({"paid_on": "2026-13-01", "voucher": "x"}, "paid_on"),
    ({"paid_on": "2026-03-21", "voucher": "x"}, "paid_on"),  # after today
    ({"paid_on": "2026-03-01", "voucher": ""}, "voucher"),
    ({"paid_on": "2026-03-01", "voucher": "x" * 51}, "voucher"),
])
def test_bad_payments_name_the_field(api, world, body, field):
    published(world.home_a)
    _set_rates(api, world)
    resp = api(world.admin).post(f"/subsidies/2025/homes/{world.home_a.id}/payment", json=body)
    assert resp.status_code == 422 and field in resp.get_json()["error"]["fields"]


def test_unknown_home_is_404_and_bad_year_422(api, world):
    office = api(world.admin)
    assert office.post("/subsidies/2025/homes/99999/payment",
                       json={"paid_on": "2026-03-01", "voucher": "x"}).status_code == 404
    assert office.get("/subsidies/1999").status_code == 422
    assert office.get("/subsidies/abc").status_code == 422


@pytest.mark.parametrize("who", ["manager_a", "rep_a", "system", "security", "auditor", "city"])
def test_only_the_office_may_touch_subsidies(api, world, who):
    published(world.home_a)
    if who in ("system", "security", "auditor", "city"):
        role = {"system": Role.SYSTEM_ADMIN, "security": Role.SECURITY_ADMIN,
                "auditor": Role.AUDIT_ADMIN, "city": getattr(Role, "CITY_ADMIN", None)}[who]
        if role is None:
            pytest.skip("no city_admin role on this branch")
        extra = {"city": "南京市"} if who == "city" and hasattr(User, "city") else {}
        user = f.user(role, username=f"u_{who}", **extra)
        _db.session.commit()
    else:
        user = getattr(world, who)
    caller = api(user)
    home = world.home_a.id
    answers = [caller.put("/subsidies/2025/rates", json={}).status_code,
               caller.get("/subsidies/2025").status_code,
               caller.post(f"/subsidies/2025/homes/{home}/payment", json={}).status_code,
               caller.delete(f"/subsidies/2025/homes/{home}/payment", json={}).status_code,
               caller.get("/subsidies/x").status_code]
    assert answers == [403] * 5
    assert _db.session.scalar(sa.select(sa.func.count(SubsidyRate.id))) == 0


def test_anonymous_is_401(api, world):
    assert api().get("/subsidies/2025").status_code == 401


def test_the_list_costs_the_same_statements_for_many_homes(api, world):
    published(world.home_a)
    _set_rates(api, world)
    _pay(api, world, world.home_a)
    office = api(world.admin)
    office.get("/subsidies/2025")
    with count_statements() as few:
        assert office.get("/subsidies/2025").status_code == 200
    for i in range(8):
        home = f.home(f.unit(name=f"单位{i}"))
        _db.session.commit()
        published(home, Grade.PASS, "70")
        _pay(api, world, home, voucher=f"V{i}")
    with count_statements() as many:
        body = office.get("/subsidies/2025").get_json()
    assert len(body["items"]) == 9 and body["paid_count"] == 9
    assert Decimal(body["total_paid"]) == Decimal("50000.00") + 8 * Decimal("10000.25")
    assert len(many) == len(few)


def test_rates_change_freely_until_the_first_payment_of_that_year(api, world):
    """Before any payment the rates may be replaced; a payment of another year fixes nothing."""
    published(world.home_a)
    published(world.home_a, year=2024)
    assert _set_rates(api, world).status_code == 200
    assert _set_rates(api, world, year=2024).status_code == 200
    assert api(world.admin).get("/subsidies/2025").get_json()["rates_fixed"] is False
    assert _set_rates(api, world, {"excellent": "60000", "good": "1", "pass": "0"}).status_code == 200
    assert _pay(api, world, world.home_a, year=2024).status_code == 201
    assert _set_rates(api, world, {"excellent": "70000", "good": "1", "pass": "0"}).status_code == 200
    assert _set_rates(api, world, year=2024).status_code == 409
    rates = _db.session.scalar(sa.select(SubsidyRate).where(SubsidyRate.year == 2025))
    assert rates.excellent == Decimal("70000.00")


def test_rates_stay_fixed_after_every_payment_is_reversed(api, world):
    published(world.home_a)
    assert _set_rates(api, world).status_code == 200
    assert _pay(api, world, world.home_a).status_code == 201
    office = api(world.admin)
    assert office.delete(f"/subsidies/2025/homes/{world.home_a.id}/payment",
                         json={"reason": "错付"}).status_code == 200
    assert _db.session.scalar(sa.select(sa.func.count(SubsidyPayment.id)).where(
        SubsidyPayment.current.is_(True))) == 0
    resp = _set_rates(api, world, {"excellent": "1", "good": "1", "pass": "1"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "conflict"
    rates = _db.session.scalar(sa.select(SubsidyRate).where(SubsidyRate.year == 2025))
    assert rates.excellent == Decimal("50000.00")  # unchanged
    # Even when the Home is no longer listed (its result withdrawn), the reversed payment counts.
    a = _db.session.scalar(sa.select(Assessment).where(Assessment.home_id == world.home_a.id))
    a.status = AssessmentStatus.DRAFT
    _db.session.commit()
    assert office.get("/subsidies/2025").get_json()["items"] == []
    assert office.get("/subsidies/2025").get_json()["rates_fixed"] is True
    assert _set_rates(api, world).status_code == 409
