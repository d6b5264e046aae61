"""SPEC §5.3 validity and dynamic management, and the Home's basic conditions API."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Assessment, AuditLog, HomePlan, Notification, ServiceTeamMember
from models.enums import AssessmentStatus, Grade, HomeStatus
from services import homes


@pytest.mark.parametrize("start,end", [
    (date(2026, 7, 15), date(2028, 7, 15)),
    (date(2028, 2, 29), date(2030, 2, 28)),
    (date(2027, 2, 28), date(2029, 2, 28)),
    (date(2026, 12, 31), date(2028, 12, 31)),
])
def test_add_two_years(start, end):
    assert homes.add_two_years(start) == end


def test_is_valid_on_bounds(world):
    home = world.home_a  # 2025-01-10 … 2027-01-10
    assert not home.is_valid_on(date(2025, 1, 9))
    assert home.is_valid_on(date(2025, 1, 10))
    assert home.is_valid_on(date(2027, 1, 9))
    assert not home.is_valid_on(date(2027, 1, 10))


def test_expire_due_day_before_and_day_of(world):
    assert homes.expire_due(date(2027, 1, 9)) == []
    assert world.home_a.status == HomeStatus.ACTIVE
    expired = homes.expire_due(date(2027, 1, 10))
    assert {h.id for h in expired} == {world.home_a.id, world.home_b.id}
    assert world.home_a.status == HomeStatus.EXPIRED
    assert _db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "expire")) == 2
    notes = _db.session.scalars(sa.select(Notification).where(
        Notification.user_id == world.manager_a.id)).all()
    assert len(notes) == 1
    # idempotent: a second run changes and sends nothing
    assert homes.expire_due(date(2027, 1, 10)) == []
    assert _db.session.scalar(sa.select(sa.func.count(Notification.id))) == 2


def test_expire_due_leaves_revoked_alone(world):
    world.home_b.status = HomeStatus.REVOKED
    assert [h.id for h in homes.expire_due(date(2027, 2, 1))] == [world.home_a.id]
    assert world.home_b.status == HomeStatus.REVOKED


def test_expiring_within(world):
    world.home_b.expires_on = date(2027, 3, 11)
    today = date(2026, 11, 11)  # home_a expires 2027-01-10: 60 days later
    assert [h.id for h in homes.expiring_within(today, 60)] == [world.home_a.id]
    assert [h.id for h in homes.expiring_within(today, 59)] == []
    assert homes.expiring_within(date(2027, 1, 10), 60) == [world.home_b]  # expiry day excluded


def _published(home, year, grade, status=AssessmentStatus.PUBLISHED):
    a = Assessment(home_id=home.id, year=year, status=status, grade=grade, total=Decimal("80"),
                   publicity_start=date(year + 1, 1, 10), publicity_end=date(year + 1, 1, 16))
    _db.session.add(a)
    _db.session.flush()
    return a


def test_renew_without_published_assessment_conflicts(world, api):
    _published(world.home_a, 2025, Grade.EXCELLENT, status=AssessmentStatus.FINAL)
    _db.session.commit()
    resp = api(world.admin).post(f"/homes/{world.home_a.id}/renew")
    assert resp.status_code == 409
    assert "已公示" in resp.get_json()["error"]["message"]
    _db.session.refresh(world.home_a)
    assert world.home_a.expires_on == date(2027, 1, 10)


def test_renew_with_failing_latest_conflicts(world, api):
    _published(world.home_a, 2024, Grade.GOOD)
    _published(world.home_a, 2025, Grade.FAIL)
    _db.session.commit()
    resp = api(world.admin).post(f"/homes/{world.home_a.id}/renew")
    assert resp.status_code == 409
    assert "不合格" in resp.get_json()["error"]["message"]


def test_renew_with_passing_latest(world, api):
    _published(world.home_a, 2024, Grade.FAIL)
    _published(world.home_a, 2025, Grade.PASS)
    _db.session.commit()
    resp = api(world.admin).post(f"/homes/{world.home_a.id}/renew")
    assert resp.status_code == 200
    assert resp.get_json()["expires_on"] == "2029-01-10"
    assert _db.session.scalar(sa.select(AuditLog.id).where(AuditLog.action == "renew"))


def test_renew_refused_for_inactive_home(world, api):
    _published(world.home_a, 2025, Grade.EXCELLENT)
    world.home_a.status = HomeStatus.EXPIRED
    _db.session.commit()
    assert api(world.admin).post(f"/homes/{world.home_a.id}/renew").status_code == 409


def test_renew_access(world, api):
    _published(world.home_a, 2025, Grade.EXCELLENT)
    _db.session.commit()
    path = f"/homes/{world.home_a.id}/renew"
    assert api(None).post(path).status_code == 401
    assert api(world.manager_a).post(path).status_code == 403
    assert api(world.rep_a).post(path).status_code == 403
    assert api(world.manager_b).post(path).status_code == 404
    assert api(world.rep_b).post(path).status_code == 404


# --- basic conditions API ------------------------------------------------------------------

PROFILE = {"venue_address": "南京市鼓楼区北京西路1号", "has_sign": True, "has_facilities": True,
           "management_rules": False}


@pytest.mark.parametrize("who,status", [("manager_a", 200), ("admin", 200), ("rep_a", 403),
                                        ("manager_b", 404), ("rep_b", 404)])
def test_profile_access(world, api, who, status):
    resp = api(getattr(world, who)).patch(f"/homes/{world.home_a.id}/profile", json=PROFILE)
    assert resp.status_code == status
    if status == 200:
        assert resp.get_json()["venue_address"] == PROFILE["venue_address"]
        assert resp.get_json()["has_sign"] is True


def test_profile_anonymous_401(world, api):
    assert api(None).patch(f"/homes/{world.home_a.id}/profile", json=PROFILE).status_code == 401
    assert api(None).put(f"/homes/{world.home_a.id}/plans/2026", json={}).status_code == 401
    assert api(None).post(f"/homes/{world.home_a.id}/service-team", json={}).status_code == 401


def test_profile_validation(world, api):
    resp = api(world.manager_a).patch(f"/homes/{world.home_a.id}/profile",
                                      json={"venue_address": "长" * 201})
    assert resp.status_code == 422 and "venue_address" in resp.get_json()["error"]["fields"]


@pytest.mark.parametrize("who,status", [("manager_a", 200), ("admin", 200), ("rep_a", 403),
                                        ("manager_b", 404), ("rep_b", 404)])
def test_plan_upsert_access(world, api, who, status):
    resp = api(getattr(world, who)).put(f"/homes/{world.home_a.id}/plans/2026",
                                        json={"plan": "全年开展活动12次", "funding": 50000.5})
    assert resp.status_code == status


def test_plan_upsert_replaces_and_validates(world, api):
    client = api(world.manager_a)
    path = f"/homes/{world.home_a.id}/plans/2026"
    assert client.put(path, json={"plan": "计划一", "funding": "1000"}).status_code == 200
    resp = client.put(path, json={"plan": "计划二", "funding": 2000.25})
    assert resp.status_code == 200
    assert resp.get_json()["funding"] == 2000.25 and resp.get_json()["year"] == 2026
    plans = _db.session.scalars(sa.select(HomePlan)).all()
    assert len(plans) == 1 and plans[0].plan == "计划二" and plans[0].funding == Decimal("2000.25")
    for bad in (-1, "abc", "1.005", True):
        resp = client.put(path, json={"plan": "x", "funding": bad})
        assert resp.status_code == 422 and "funding" in resp.get_json()["error"]["fields"], bad
    assert client.put(f"/homes/{world.home_a.id}/plans/1999", json={}).status_code == 422
    assert _db.session.scalar(sa.select(HomePlan.funding)) == Decimal("2000.25")


@pytest.mark.parametrize("who,status", [("manager_a", 201), ("admin", 201), ("rep_a", 403),
                                        ("manager_b", 404), ("rep_b", 404)])
def test_service_team_access(world, api, who, status):
    resp = api(getattr(world, who)).post(f"/homes/{world.home_a.id}/service-team",
                                         json={"name": "王五", "duty": "联络员"})
    assert resp.status_code == status
    if status == 201:
        assert resp.get_json()["name"] == "王五"


def test_service_team_validation_and_removal(world, api):
    client = api(world.manager_a)
    resp = client.post(f"/homes/{world.home_a.id}/service-team", json={"duty": "x"})
    assert resp.status_code == 422 and "name" in resp.get_json()["error"]["fields"]
    member_id = client.post(f"/homes/{world.home_a.id}/service-team",
                            json={"name": "王五"}).get_json()["id"]
    assert api(world.rep_a).delete(
        f"/homes/{world.home_a.id}/service-team/{member_id}").status_code == 403
    assert api(world.manager_b).delete(
        f"/homes/{world.home_b.id}/service-team/{member_id}").status_code == 404
    assert client.delete(f"/homes/{world.home_a.id}/service-team/{member_id}").status_code == 204
    assert _db.session.scalar(sa.select(sa.func.count(ServiceTeamMember.id))) == 0
