"""SPEC §5.4 assessment workflow (overrides, recompute, finalize, publish) and §5.3 revocation
after the publicity window; the /assessments API and its access matrix."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Assessment, AuditLog, Notification
from models.enums import AssessmentStatus, Grade, HomeStatus, Kind, Theme
from services import assessments as service
from services import clock
from services.errors import Conflict, Forbidden, ValidationFailed
from tests.support import factories as f


@pytest.fixture()
def draft(world):
    a = service.create_assessment(world.admin, world.home_a.id, 2026)
    _db.session.commit()
    return a


def test_create_api_returns_items_as_numbers(world, api):
    world.home_a.venue_address = "地址"
    world.home_a.has_sign = True
    f.activity(world.rep_a, theme=Theme.PARTY_BUILDING, kind=Kind.READING_CLUB,
               date=date(2026, 2, 1), status="verified")
    _db.session.commit()
    resp = api(world.admin).post("/assessments", json={"home_id": world.home_a.id, "year": 2026})
    assert resp.status_code == 201, resp.get_json()
    data = resp.get_json()
    assert data["status"] == "draft" and data["year"] == 2026 and data["home_id"] == world.home_a.id
    items = {i["code"]: i for i in data["items"]}
    assert list(items) == ["B1", "B2", "B3", "A1", "A2", "A3", "A4"]
    assert items["A1"] == {"code": "A1", "label": "代表+党建", "max": 17.5, "auto_score": 4.38,
                           "score": 4.38, "override_score": None, "reason": ""}
    assert items["B1"]["score"] == 7.0 and isinstance(items["B1"]["max"], float)
    assert data["total"] == 11.38 and data["grade"] == "fail"
    assert data["publicity_start"] is None and data["publicity_end"] is None


def test_duplicate_conflicts(draft, world, api):
    resp = api(world.admin).post("/assessments", json={"home_id": world.home_a.id, "year": 2026})
    assert resp.status_code == 409


def test_create_validation(world, api):
    resp = api(world.admin).post("/assessments", json={"home_id": 9999, "year": 1999})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"home_id", "year"}


def test_create_for_all_active_skips_existing(draft, world):
    f.home(status=HomeStatus.EXPIRED)
    created = service.create_for_all_active(world.admin, 2026)
    assert [a.home_id for a in created] == [world.home_b.id]
    assert [len(a.items) for a in created] == [7]
    entry = _db.session.scalar(sa.select(AuditLog).where(
        AuditLog.object_type == "assessments", AuditLog.object_id == created[0].id))
    assert entry.action == "create" and entry.actor_id == world.admin.id
    assert entry.after["home_id"] == world.home_b.id
    assert service.create_for_all_active(None, 2026) == []
    with pytest.raises(Forbidden):
        service.create_for_all_active(world.manager_a, 2026)


# --- overrides -----------------------------------------------------------------------------

def test_override_refused_without_reason_or_over_max(draft, world, api):
    client = api(world.admin)
    path = f"/assessments/{draft.id}/items/B1"
    resp = client.patch(path, json={"score": 10.01, "reason": "现场核查"})
    assert resp.status_code == 422 and list(resp.get_json()["error"]["fields"]) == ["score"]
    resp = client.patch(path, json={"score": 8, "reason": "  "})
    assert resp.status_code == 422 and list(resp.get_json()["error"]["fields"]) == ["reason"]
    resp = client.patch(path, json={"score": -0.01})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"score", "reason"}
    resp = client.patch(f"/assessments/{draft.id}/items/A1", json={"score": 17.51, "reason": "x"})
    assert resp.status_code == 422
    assert client.patch(f"/assessments/{draft.id}/items/Z9",
                        json={"score": 1, "reason": "x"}).status_code == 404
    _db.session.refresh(draft)
    assert all(i.override_score is None for i in draft.items)


def test_override_at_the_edges_and_audited(draft, world, api):
    client = api(world.admin)
    resp = client.patch(f"/assessments/{draft.id}/items/A1", json={"score": 17.5,
                                                                    "reason": "材料佐证充分"})
    assert resp.status_code == 200
    item = next(i for i in resp.get_json()["items"] if i["code"] == "A1")
    assert item["score"] == 17.5 and item["auto_score"] == 0.0 and item["reason"] == "材料佐证充分"
    assert resp.get_json()["total"] == 17.5
    resp = client.patch(f"/assessments/{draft.id}/items/B1", json={"score": 0, "reason": "零分"})
    assert resp.status_code == 200
    entry = _db.session.scalars(sa.select(AuditLog).where(
        AuditLog.action == "override_item").order_by(AuditLog.id)).first()
    assert entry.reason == "材料佐证充分" and entry.after["override_score"] == "17.50"
    assert entry.actor_id == world.admin.id


def test_recompute_keeps_overrides(draft, world, api):
    client = api(world.admin)
    client.patch(f"/assessments/{draft.id}/items/A2", json={"score": 10, "reason": "核减"})
    for m in (1, 2):
        f.activity(world.rep_a, date=date(2026, m, 3), status="verified")       # window → A2
        f.activity(world.rep_a, theme=Theme.INNOVATION, kind=Kind.SALON,
                   date=date(2026, m, 3), status="verified")                    # A4
    _db.session.commit()
    resp = client.post(f"/assessments/{draft.id}/recompute")
    assert resp.status_code == 200
    items = {i["code"]: i for i in resp.get_json()["items"]}
    assert items["A2"]["auto_score"] == 8.75 and items["A2"]["score"] == 10.0
    assert items["A4"]["auto_score"] == 8.75 and items["A4"]["score"] == 8.75
    assert resp.get_json()["total"] == 18.75


def test_only_draft_changes_then_final_then_published(draft, world, api, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2027, 1, 20))
    client = api(world.admin)
    resp = client.post(f"/assessments/{draft.id}/publish")
    assert resp.status_code == 409  # a draft cannot be published
    resp = client.post(f"/assessments/{draft.id}/finalize")
    assert resp.status_code == 200 and resp.get_json()["status"] == "final"
    assert client.post(f"/assessments/{draft.id}/finalize").status_code == 409
    assert client.post(f"/assessments/{draft.id}/recompute").status_code == 409
    assert client.patch(f"/assessments/{draft.id}/items/B1",
                        json={"score": 1, "reason": "x"}).status_code == 409
    resp = client.post(f"/assessments/{draft.id}/publish")
    assert resp.status_code == 200
    data = resp.get_json()
    # default window: today, PUBLICITY_DAYS (7) days, end inclusive
    assert (data["status"], data["publicity_start"], data["publicity_end"]) == \
        ("published", "2027-01-20", "2027-01-26")
    assert client.post(f"/assessments/{draft.id}/publish").status_code == 409
    kinds = set(_db.session.scalars(sa.select(Notification.kind).where(
        Notification.user_id == world.manager_a.id)))
    assert kinds == {"assessment_final", "assessment_published"}


def test_publish_with_start_and_days(draft, world, api, year_over):
    client = api(world.admin)
    client.post(f"/assessments/{draft.id}/finalize")
    resp = client.post(f"/assessments/{draft.id}/publish", json={"start": "bad", "days": 0})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"start", "days"}
    resp = client.post(f"/assessments/{draft.id}/publish", json={"start": "2027-02-01", "days": 1})
    assert resp.get_json()["publicity_start"] == resp.get_json()["publicity_end"] == "2027-02-01"


# --- publicity close (SPEC §5.3) -----------------------------------------------------------

def _published_fail(world):
    a = service.create_assessment(None, world.home_a.id, 2026)
    assert a.grade == Grade.FAIL
    service.finalize_assessment(None, a)
    service.publish_assessment(None, a, start=date(2027, 1, 10), days=7)  # last day 2027-01-16
    return a


def test_revocation_only_after_the_window(world, year_over):
    a = _published_fail(world)
    assert service.close_publicity(date(2027, 1, 16)) == []
    assert world.home_a.status == HomeStatus.ACTIVE
    assert service.close_publicity(date(2027, 1, 17)) == [a]
    assert world.home_a.status == HomeStatus.REVOKED
    assert a.effects_applied_on == date(2027, 1, 17)
    assert _db.session.scalar(sa.select(AuditLog.id).where(AuditLog.action == "revoke",
                                                           AuditLog.object_id == world.home_a.id))
    assert _db.session.scalar(sa.select(Notification.id).where(
        Notification.user_id == world.manager_a.id, Notification.kind == "home_revoked"))
    # idempotent
    assert service.close_publicity(date(2027, 1, 18)) == []


def test_passing_result_does_not_revoke(world, year_over):
    world.home_a.venue_address, world.home_a.has_sign, world.home_a.has_facilities = "x", 1, 1
    a = service.create_assessment(None, world.home_a.id, 2026)
    for item in a.items:
        service.override_item(world.admin, a, item.code, item.max_score, "满分")
    assert a.grade == Grade.EXCELLENT
    service.finalize_assessment(None, a)
    service.publish_assessment(None, a, start=date(2027, 1, 10), days=7)
    assert service.close_publicity(date(2027, 2, 1)) == [a]
    assert world.home_a.status == HomeStatus.ACTIVE and a.effects_applied_on == date(2027, 2, 1)


def test_unpublished_fail_never_revokes(world):
    a = service.create_assessment(None, world.home_a.id, 2026)
    service.finalize_assessment(None, a)
    assert service.close_publicity(date(2030, 1, 1)) == []
    assert world.home_a.status == HomeStatus.ACTIVE


def test_services_refuse_non_admins(draft, world):
    for user in (world.manager_a, world.rep_a):
        with pytest.raises(Forbidden):
            service.override_item(user, draft, "B1", 1, "x")
        with pytest.raises(Forbidden):
            service.create_assessment(user, world.home_b.id, 2026)
    with pytest.raises(ValidationFailed):
        service.override_item(world.admin, draft, "B1", "abc", "x")
    with pytest.raises(Conflict):
        service.create_assessment(None, world.home_a.id, 2026)


# --- access matrix -------------------------------------------------------------------------

def test_get_visibility(draft, world, api, year_over):
    path = f"/assessments/{draft.id}"
    assert api(None).get(path).status_code == 404  # not published: existence not revealed
    bad = api(None)
    bad.token = "bad-token"
    assert bad.get(path).status_code == 401
    assert api(world.admin).get(path).status_code == 200
    assert api(world.manager_a).get(path).status_code == 200
    assert api(world.rep_a).get(path).status_code == 200
    assert api(world.manager_b).get(path).status_code == 404
    assert api(world.rep_b).get(path).status_code == 404
    service.finalize_assessment(None, draft)
    service.publish_assessment(None, draft, start=date(2027, 1, 1))
    _db.session.commit()
    for client in (api(None), api(world.manager_b), api(world.rep_b)):
        resp = client.get(path)
        assert resp.status_code == 200 and resp.get_json()["status"] == "published"


@pytest.mark.parametrize("method,suffix,payload", [
    ("post", "/recompute", None), ("post", "/finalize", None), ("post", "/publish", {}),
    ("patch", "/items/B1", {"score": 1, "reason": "x"})])
def test_actions_access(draft, world, api, method, suffix, payload):
    path = f"/assessments/{draft.id}{suffix}"
    kw = {} if payload is None else {"json": payload}
    assert getattr(api(None), method)(path, **kw).status_code == 401
    assert getattr(api(world.manager_a), method)(path, **kw).status_code == 403
    assert getattr(api(world.rep_a), method)(path, **kw).status_code == 403
    assert getattr(api(world.manager_b), method)(path, **kw).status_code == 404
    assert getattr(api(world.rep_b), method)(path, **kw).status_code == 404
    assert _db.session.get(Assessment, draft.id).status == AssessmentStatus.DRAFT
    assert _db.session.get(Assessment, draft.id).total == Decimal("0")


def test_create_access(world, api):
    body = {"home_id": world.home_a.id, "year": 2026}
    assert api(None).post("/assessments", json=body).status_code == 401
    for user in (world.manager_a, world.rep_a, world.manager_b, world.rep_b):
        assert api(user).post("/assessments", json=body).status_code == 403
    assert _db.session.scalar(sa.select(sa.func.count(Assessment.id))) == 0
