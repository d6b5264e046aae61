"""SPEC §5.2 applications, at every edge: scheme length, deadline, pledge, one live application,
active units, quota, recognition; and the API access matrix."""
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Application, AuditLog, Home, Notification
from models.enums import ApplicationStatus, HomeStatus, UnitKind
from services import clock
from services import homes as service
from services.errors import Conflict, Forbidden, ValidationFailed
from tests.support import factories as f

DEADLINE = date(2026, 6, 30)


def body(round_obj, **kw):
    data = {"round_id": round_obj.id, "scheme": "方" * 1000, "contact_name": "李四",
            "contact_mobile": "13912345678", "fax": "025-88888888", "email": "a@b.cn",
            "pledge": True}
    data.update(kw)
    return data


@pytest.fixture()
def setup(world):
    """A unit without a Home (the applicant) with its manager, and an open round."""
    unit = f.unit(name="江苏省计算机学会", kind=UnitKind.PROVINCIAL_SOCIETY)
    applicant = f.user(f.Role.HOME_MANAGER, unit_id=unit.id, username="applicant")
    rnd = f.round_(year=2026, deadline=DEADLINE, quota=10)
    _db.session.commit()
    world.unit, world.applicant, world.round = unit, applicant, rnd
    return world


@pytest.fixture()
def on_day(monkeypatch):
    def set_day(day):
        monkeypatch.setattr(clock, "today", lambda: day)
    set_day(date(2026, 6, 1))
    return set_day


# --- scheme length -------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("方" * 1000, 1000),
    ("方" * 999 + " \n\t\u3000", 999),
    (" ".join("方" * 1000), 1000),
    ("\u3000".join("方" * 999) + "\n\r\u00a0\u2003", 999),
    ("", 0),
    (None, 0),
])
def test_scheme_length_removes_all_unicode_whitespace(text, expected):
    assert service.scheme_length(text) == expected


def _mixed(n):
    """n visible characters with spaces, newlines and full-width spaces between them."""
    seps = [" ", "\n", "\u3000", "\t", "\r\n"]
    return "".join("字" + seps[i % len(seps)] for i in range(n))


def test_submit_999_characters_refused_1000_accepted(setup, api, on_day):
    client = api(setup.applicant)
    resp = client.post("/applications", json=body(setup.round, scheme=_mixed(999)))
    assert resp.status_code == 201
    app_id = resp.get_json()["id"]
    assert resp.get_json()["scheme_length"] == 999
    resp = client.post(f"/applications/{app_id}/submit")
    assert resp.status_code == 422
    assert list(resp.get_json()["error"]["fields"]) == ["scheme"]
    assert _db.session.get(Application, app_id).status == ApplicationStatus.DRAFT
    resp = client.patch(f"/applications/{app_id}", json={"scheme": _mixed(1000)})
    assert resp.status_code == 200 and resp.get_json()["scheme_length"] == 1000
    resp = client.post(f"/applications/{app_id}/submit")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "submitted"


def test_submit_names_every_lacking_field(setup, api, on_day):
    client = api(setup.applicant)
    resp = client.post("/applications", json={"round_id": setup.round.id, "scheme": "短"})
    assert resp.status_code == 201
    assert resp.get_json()["status"] == "draft"
    resp = client.post(f"/applications/{resp.get_json()['id']}/submit")
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"scheme", "pledge", "contact_name",
                                                        "contact_mobile"}


def test_create_validates_formats(setup, api):
    resp = api(setup.applicant).post("/applications", json=body(
        setup.round, contact_mobile="123", email="bad", round_id=99999))
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"contact_mobile", "email", "round_id"}
    assert _db.session.scalar(sa.select(sa.func.count(Application.id))) == 0


# --- deadline (inclusive, Asia/Shanghai) ---------------------------------------------------

def test_deadline_day_itself_accepted(setup, api, on_day):
    on_day(DEADLINE)
    client = api(setup.applicant)
    app_id = client.post("/applications", json=body(setup.round)).get_json()["id"]
    assert client.post(f"/applications/{app_id}/submit").status_code == 200


def test_day_after_deadline_refused(setup, api, on_day):
    on_day(date(2026, 7, 1))
    client = api(setup.applicant)
    app_id = client.post("/applications", json=body(setup.round)).get_json()["id"]
    resp = client.post(f"/applications/{app_id}/submit")
    assert resp.status_code == 409
    assert resp.get_json()["error"]["code"] == "conflict"
    assert _db.session.get(Application, app_id).status == ApplicationStatus.DRAFT


def test_service_takes_explicit_today(setup):
    a = f.application(setup.unit, setup.round)
    service.submit_application(setup.applicant, a, today=DEADLINE)
    assert a.status == ApplicationStatus.SUBMITTED
    b_unit = f.unit()
    b_mgr = f.user(f.Role.HOME_MANAGER, unit_id=b_unit.id)
    b = f.application(b_unit, setup.round)
    with pytest.raises(Conflict):
        service.submit_application(b_mgr, b, today=date(2026, 7, 1))


# --- one live application per unit and round -----------------------------------------------

def test_second_live_application_conflicts(setup, api):
    client = api(setup.applicant)
    assert client.post("/applications", json=body(setup.round)).status_code == 201
    resp = client.post("/applications", json=body(setup.round))
    assert resp.status_code == 409


def test_rejected_then_new_application_allowed(setup, api, on_day):
    client = api(setup.applicant)
    app_id = client.post("/applications", json=body(setup.round)).get_json()["id"]
    assert client.post(f"/applications/{app_id}/submit").status_code == 200
    resp = api(setup.admin).post(f"/applications/{app_id}/review",
                                 json={"decision": "reject", "opinion": "方案不够具体"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "rejected"
    assert resp.get_json()["opinion"] == "方案不够具体"
    resp = client.post("/applications", json=body(setup.round))
    assert resp.status_code == 201
    # ...but not a third while the second is live
    assert client.post("/applications", json=body(setup.round)).status_code == 409


def test_database_index_also_guards_live_uniqueness(setup):
    f.application(setup.unit, setup.round)
    with pytest.raises(sa.exc.IntegrityError):
        f.application(setup.unit, setup.round)
    _db.session.rollback()


# --- returned → edited → resubmitted --------------------------------------------------------

def test_returned_application_edited_and_resubmitted(setup, api, on_day):
    client = api(setup.applicant)
    app_id = client.post("/applications", json=body(setup.round)).get_json()["id"]
    assert client.post(f"/applications/{app_id}/submit").status_code == 200
    # submitted: no edit
    assert client.patch(f"/applications/{app_id}", json={"fax": "1"}).status_code == 409
    resp = api(setup.admin).post(f"/applications/{app_id}/review",
                                 json={"decision": "return", "opinion": "请补充场所情况"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "returned"
    resp = client.patch(f"/applications/{app_id}", json={"scheme": "改" * 1200})
    assert resp.status_code == 200 and resp.get_json()["scheme_length"] == 1200
    resp = client.post(f"/applications/{app_id}/submit")
    assert resp.status_code == 200 and resp.get_json()["status"] == "submitted"
    # the returned one after the deadline cannot be resubmitted
    assert client.get(f"/applications/{app_id}").get_json()["opinion"] == "请补充场所情况"


def test_returned_application_after_deadline_refused(setup, on_day):
    a = f.application(setup.unit, setup.round, status=ApplicationStatus.RETURNED)
    on_day(date(2026, 7, 1))
    with pytest.raises(Conflict):
        service.submit_application(setup.applicant, a)


# --- active unit ---------------------------------------------------------------------------

def test_unit_with_active_home_cannot_submit(world, api, on_day):
    rnd = f.round_(year=2026, deadline=DEADLINE)
    _db.session.commit()
    client = api(world.manager_a)
    resp = client.post("/applications", json=body(rnd))
    assert resp.status_code == 201
    resp = client.post(f"/applications/{resp.get_json()['id']}/submit")
    assert resp.status_code == 409


def test_unit_with_expired_home_may_submit(world, api, on_day):
    world.home_a.status = HomeStatus.EXPIRED
    rnd = f.round_(year=2026, deadline=DEADLINE)
    _db.session.commit()
    client = api(world.manager_a)
    app_id = client.post("/applications", json=body(rnd)).get_json()["id"]
    assert client.post(f"/applications/{app_id}/submit").status_code == 200


# --- review, quota, recognition ------------------------------------------------------------

def _submitted(rnd, n):
    apps = []
    for _ in range(n):
        unit = f.unit()
        f.user(f.Role.HOME_MANAGER, unit_id=unit.id)
        apps.append(f.application(unit, rnd, status=ApplicationStatus.SUBMITTED))
    _db.session.commit()
    return apps


def test_tenth_approval_accepted_eleventh_refused(world, api, on_day):
    rnd = f.round_(year=2026, deadline=DEADLINE, quota=10)
    apps = _submitted(rnd, 11)
    admin = api(world.admin)
    for a in apps[:10]:
        resp = admin.post(f"/applications/{a.id}/review", json={"decision": "approve",
                                                                 "opinion": "同意"})
        assert resp.status_code == 200, resp.get_json()
    resp = admin.post(f"/applications/{apps[10].id}/review", json={"decision": "approve",
                                                                    "opinion": "同意"})
    assert resp.status_code == 409
    assert _db.session.get(Application, apps[10].id).status == ApplicationStatus.SUBMITTED
    # rejecting is still possible over the quota
    resp = admin.post(f"/applications/{apps[10].id}/review", json={"decision": "reject",
                                                                    "opinion": "名额已满"})
    assert resp.status_code == 200


def test_approve_creates_home_valid_two_years(setup, api, on_day):
    on_day(date(2026, 7, 15))
    a = f.application(setup.unit, setup.round, status=ApplicationStatus.SUBMITTED)
    _db.session.commit()
    resp = api(setup.admin).post(f"/applications/{a.id}/review",
                                 json={"decision": "approve", "opinion": "同意认定"})
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["status"] == "approved"
    assert data["home"]["status"] == "active"
    assert data["home"]["recognized_on"] == "2026-07-15"
    assert data["home"]["expires_on"] == "2028-07-15"
    home = _db.session.scalar(sa.select(Home).where(Home.unit_id == setup.unit.id))
    assert home.is_valid_on(date(2028, 7, 14)) and not home.is_valid_on(date(2028, 7, 15))
    notes = _db.session.scalars(sa.select(Notification).where(
        Notification.user_id == setup.applicant.id)).all()
    assert len(notes) == 1 and "认定" in notes[0].title
    actions = set(_db.session.scalars(sa.select(AuditLog.action)))
    assert {"approve", "recognize"} <= actions


def test_feb_29_recognition_expires_feb_28(setup):
    a = f.application(setup.unit, setup.round, status=ApplicationStatus.SUBMITTED)
    _app, home = service.review_application(setup.admin, a, {"decision": "approve"}, today=date(2028, 2, 29))
    assert home.recognized_on == date(2028, 2, 29)
    assert home.expires_on == date(2030, 2, 28)


def test_approve_reactivates_expired_home(world, on_day):
    on_day(date(2027, 3, 1))
    world.home_a.status = HomeStatus.EXPIRED
    rnd = f.round_(year=2027, deadline=date(2027, 6, 30))
    a = f.application(world.home_a.unit, rnd, status=ApplicationStatus.SUBMITTED)
    _app, home = service.review_application(world.admin, a, {"decision": "approve", "opinion": ""})
    assert home.id == world.home_a.id
    assert home.status == HomeStatus.ACTIVE
    assert (home.recognized_on, home.expires_on) == (date(2027, 3, 1), date(2029, 3, 1))


@pytest.mark.parametrize("status", [ApplicationStatus.DRAFT, ApplicationStatus.RETURNED,
                                    ApplicationStatus.APPROVED, ApplicationStatus.REJECTED])
def test_review_only_submitted(setup, api, status):
    a = f.application(setup.unit, setup.round, status=status)
    _db.session.commit()
    resp = api(setup.admin).post(f"/applications/{a.id}/review",
                                 json={"decision": "approve", "opinion": "同意"})
    assert resp.status_code == 409


def test_review_validates_decision_and_opinion(setup, api):
    a = f.application(setup.unit, setup.round, status=ApplicationStatus.SUBMITTED)
    _db.session.commit()
    admin = api(setup.admin)
    resp = admin.post(f"/applications/{a.id}/review", json={"decision": "maybe"})
    assert resp.status_code == 422 and "decision" in resp.get_json()["error"]["fields"]
    resp = admin.post(f"/applications/{a.id}/review", json={"decision": "return", "opinion": " "})
    assert resp.status_code == 422 and "opinion" in resp.get_json()["error"]["fields"]


def test_every_transition_audited(setup, on_day):
    a = service.create_application(setup.applicant, body(setup.round))
    service.update_application(setup.applicant, a, {"fax": "025-1"})
    service.submit_application(setup.applicant, a)
    service.review_application(setup.admin, a, {"decision": "return", "opinion": "补充"})
    actions = list(_db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "applications").order_by(AuditLog.id)))
    assert actions == ["create", "update", "submit", "return"]
    kinds = {(n.user_id, n.kind) for n in _db.session.scalars(sa.select(Notification))}
    assert kinds == {(setup.admin.id, "application_submitted"),
                     (setup.applicant.id, "application_return")}


# --- access matrix -------------------------------------------------------------------------

def test_api_requires_token(setup, api):
    a = f.application(setup.unit, setup.round)
    _db.session.commit()
    anon = api(None)
    assert anon.get("/applications").status_code == 401
    assert anon.post("/applications", json=body(setup.round)).status_code == 401
    assert anon.get(f"/applications/{a.id}").status_code == 401
    assert anon.patch(f"/applications/{a.id}", json={}).status_code == 401
    assert anon.post(f"/applications/{a.id}/submit").status_code == 401
    assert anon.post(f"/applications/{a.id}/review", json={}).status_code == 401
    bad = api(None)
    bad.token = "nope"
    assert bad.get(f"/applications/{a.id}").status_code == 401


def test_api_access_matrix(setup, api, on_day):
    a = f.application(setup.unit, setup.round)
    other = f.application(setup.home_b.unit, setup.round)
    _db.session.commit()
    # the owning manager sees and edits; others do not see it
    assert api(setup.applicant).get(f"/applications/{a.id}").status_code == 200
    listing = api(setup.applicant).get("/applications").get_json()
    assert [x["id"] for x in listing["items"]] == [a.id]
    for user in (setup.manager_a, setup.manager_b, setup.rep_a, setup.rep_b):
        client = api(user)
        assert client.get(f"/applications/{a.id}").status_code == 404
        assert client.patch(f"/applications/{a.id}", json={"fax": "1"}).status_code == 404
        assert client.post(f"/applications/{a.id}/submit").status_code == 404
        assert client.post(f"/applications/{a.id}/review",
                           json={"decision": "approve"}).status_code == 404
    assert api(setup.rep_a).get("/applications").get_json()["total"] == 0
    # admin sees all, but may not create, edit or submit (manager actions)
    admin = api(setup.admin)
    assert admin.get("/applications").get_json()["total"] == 2
    assert admin.post("/applications", json=body(setup.round)).status_code == 403
    assert admin.patch(f"/applications/{a.id}", json={"fax": "1"}).status_code == 403
    assert admin.post(f"/applications/{a.id}/submit").status_code == 403
    # representatives may not create; a manager may not review their own
    assert api(setup.rep_a).post("/applications", json=body(setup.round)).status_code == 403
    api(setup.applicant).post(f"/applications/{a.id}/submit")
    resp = api(setup.applicant).post(f"/applications/{a.id}/review",
                                     json={"decision": "approve"})
    assert resp.status_code == 403
    assert other.status == ApplicationStatus.DRAFT


def test_service_forbids_other_units_manager(setup):
    a = f.application(setup.unit, setup.round)
    with pytest.raises(Forbidden):
        service.update_application(setup.manager_a, a, {"fax": "x"})
    with pytest.raises(ValidationFailed):
        service.submit_application(setup.applicant, f.application(
            setup.unit, f.round_(year=2027, deadline=date(2027, 6, 30)), scheme="短"),
            today=date(2027, 1, 1))
