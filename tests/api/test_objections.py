"""公示异议 (SPEC §5.6): filing in the window, deciding once, what upholding withdraws, and
publicity_close waiting for undecided objections."""
import threading
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import Assessment, AuditLog, Home, Notification, Objection
from models.enums import AssessmentStatus, Grade, HomeStatus, ObjectionDecision
from services import clock
from tests.conftest import token_body

START, END = date(2026, 3, 1), date(2026, 3, 7)
BODY = {"name": "李四", "contact": "13900002222", "text": "该单位活动记录与实际不符。"}


@pytest.fixture()
def published(world, db):
    """Home A's 2025 assessment, published with the window 2026-03-01 … 2026-03-07, graded fail."""
    a = Assessment(home_id=world.home_a.id, year=2025, status=AssessmentStatus.PUBLISHED,
                   total=Decimal("50"), grade=Grade.FAIL, publicity_start=START,
                   publicity_end=END)
    db.session.add(a)
    db.session.commit()
    return a


def on(monkeypatch, day):
    monkeypatch.setattr(clock, "today", lambda: day)


def _objections(db):
    return list(db.session.scalars(sa.select(Objection).order_by(Objection.id)))


def _file(api, a, **kw):
    return api().post(f"/assessments/{a.id}/objections", json={**BODY, **kw})


# --- Filing ------------------------------------------------------------------------------------

@pytest.mark.parametrize("day,status", [
    (date(2026, 2, 28), 409),  # the day before the window
    (START, 201),              # its first day
    (date(2026, 3, 4), 201),
    (END, 201),                # its last day
    (date(2026, 3, 8), 409),   # the day after
])
def test_objections_are_taken_only_inside_the_window(published, api, monkeypatch, db, day,
                                                     status):
    on(monkeypatch, day)
    resp = _file(api, published)
    assert resp.status_code == status, resp.get_json()
    if status == 409:
        assert resp.get_json()["error"]["code"] == "conflict"
        assert _objections(db) == []
    else:
        body = resp.get_json()
        assert set(body) == {"id", "assessment_id", "filed_at", "receipt"}  # SPEC §8: 201 {receipt}
        [o] = _objections(db)
        assert o.receipt == body["receipt"] and len(body["receipt"]) >= 10
        assert o.decision is None and o.text == BODY["text"] and o.assessment_id == published.id


@pytest.mark.parametrize("status", [AssessmentStatus.DRAFT, AssessmentStatus.FINAL])
def test_an_unpublished_assessment_is_404_objections_included(published, api, monkeypatch, db,
                                                              status):
    on(monkeypatch, START)
    published.status = status
    db.session.commit()
    resp = _file(api, published)
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    assert api().get(f"/assessments/{published.id}").status_code == 404
    assert api().post("/assessments/999999/objections", json=BODY).status_code == 404


@pytest.mark.parametrize("data,field", [
    ({"name": ""}, "name"), ({"name": "名" * 51}, "name"),
    ({"contact": " "}, "contact"), ({"contact": "1" * 101}, "contact"),
    ({"text": ""}, "text"), ({"text": "字" * 2001}, "text"), ({"text": 5}, "text"),
    ({"text": "a\x00"}, "text"),
])
def test_bad_objection_names_the_field(published, api, monkeypatch, db, data, field):
    on(monkeypatch, START)
    resp = _file(api, published, **data)
    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["fields"]
    assert _objections(db) == []


def test_text_of_2000_characters_is_accepted_and_admins_are_notified(published, api, monkeypatch,
                                                                     db, world):
    on(monkeypatch, START)
    assert _file(api, published, text="字" * 2000).status_code == 201
    notes = list(db.session.scalars(sa.select(Notification)))
    assert [n.user_id for n in notes] == [world.admin.id] and notes[0].kind == "objection_filed"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.object_type == "objections"))
    assert entry.action == "create_public"


# --- Access ------------------------------------------------------------------------------------

def test_list_and_decision_are_for_provincial_admins(published, api, monkeypatch, world, db):
    on(monkeypatch, START)
    oid = _file(api, published).get_json()["id"]
    path, decide = f"/assessments/{published.id}/objections", f"/objections/{oid}/decision"
    dismiss = {"decision": "dismiss", "response": "经核实，活动记录属实。"}
    assert api().get(path).status_code == 401
    assert api().post(decide, json=dismiss).status_code == 401
    for user in (world.manager_a, world.manager_b, world.rep_a):
        assert api(user).get(path).status_code == 403
        assert api(user).post(decide, json=dismiss).status_code == 403
    body = api(world.admin).get(path).get_json()
    assert body["total"] == 1 and body["items"][0]["name"] == "李四"
    assert api(world.admin).get("/assessments/999999/objections").status_code == 404
    assert api(world.admin).post("/objections/999999/decision", json=dismiss).status_code == 404
    assert _objections(db)[0].decision is None


@pytest.mark.parametrize("data,field", [
    ({"decision": "uphold"}, "response"), ({"decision": "uphold", "response": "  "}, "response"),
    ({"decision": "maybe", "response": "x"}, "decision"), ({"response": "x"}, "decision"),
])
def test_decision_needs_a_known_decision_and_a_response(published, api, monkeypatch, world, db,
                                                        data, field):
    on(monkeypatch, START)
    oid = _file(api, published).get_json()["id"]
    resp = api(world.admin).post(f"/objections/{oid}/decision", json=data)
    assert resp.status_code == 422 and field in resp.get_json()["error"]["fields"]
    assert _objections(db)[0].decision is None


# --- Deciding ----------------------------------------------------------------------------------

def test_dismissing_changes_nothing_and_a_second_decision_is_409(published, api, monkeypatch,
                                                                 world, db):
    on(monkeypatch, START)
    oid = _file(api, published).get_json()["id"]
    admin = api(world.admin)
    resp = admin.post(f"/objections/{oid}/decision",
                      json={"decision": "dismiss", "response": "经核实，活动记录属实。"})
    assert resp.status_code == 200
    assert resp.get_json()["decision"] == "dismiss" and resp.get_json()["decided_by_id"] == world.admin.id
    resp = admin.post(f"/objections/{oid}/decision", json={"decision": "uphold", "response": "改判"})
    assert resp.status_code == 409
    db.session.expire_all()
    a = db.session.get(Assessment, published.id)
    assert a.status == AssessmentStatus.PUBLISHED and a.publicity_end == END
    assert _objections(db)[0].decision == ObjectionDecision.DISMISS
    assert api().get(f"/assessments/{published.id}").status_code == 200
    kinds = set(db.session.scalars(sa.select(Notification.kind)))
    assert "objection_dismiss" in kinds


def test_upholding_withdraws_the_result(published, api, monkeypatch, world, db, client):
    on(monkeypatch, START)
    oid = _file(api, published).get_json()["id"]
    other = _file(api, published, text="第二条异议").get_json()["id"]
    resp = api(world.admin).post(f"/objections/{oid}/decision",
                                 json={"decision": "uphold", "response": "经核实，部分活动不实。"})
    assert resp.status_code == 200 and resp.get_json()["decision"] == "uphold"
    db.session.expire_all()
    a = db.session.get(Assessment, published.id)
    assert a.status == AssessmentStatus.DRAFT
    assert a.publicity_start is None and a.publicity_end is None
    # No longer public: anonymous reads and new objections are 404; gone from the results page.
    assert api().get(f"/assessments/{a.id}").status_code == 404
    assert _file(api, a).status_code == 404
    assert f'data-assessment-id="{a.id}"' not in client.get("/public/results?year=2025").get_data(
        as_text=True)
    # The other objection can still be answered; the result stays withdrawn.
    assert api(world.admin).post(f"/objections/{other}/decision", json={
        "decision": "dismiss", "response": "已一并处理。"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Assessment, a.id).status == AssessmentStatus.DRAFT
    actions = set(db.session.scalars(sa.select(AuditLog.action)))
    assert {"decide_uphold", "withdraw", "decide_dismiss"} <= actions
    notes = db.session.scalars(sa.select(Notification).where(
        Notification.user_id == world.manager_a.id)).all()
    assert any(n.kind == "objection_uphold" for n in notes)
    # publicity_close no longer acts on it: the failed Home is not revoked.
    from services.assessments.operations import close_publicity
    assert close_publicity(date(2026, 3, 20)) == []
    assert db.session.get(Home, world.home_a.id).status == HomeStatus.ACTIVE


def test_withdrawn_assessment_can_be_reassessed_and_published_again(published, api, monkeypatch,
                                                                    world, db):
    on(monkeypatch, START)
    oid = _file(api, published).get_json()["id"]
    api(world.admin).post(f"/objections/{oid}/decision",
                          json={"decision": "uphold", "response": "重新考核。"})
    admin = api(world.admin)
    assert admin.post(f"/assessments/{published.id}/finalize").status_code == 200
    resp = admin.post(f"/assessments/{published.id}/publish", json={"start": "2026-03-10"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "published"


def test_publicity_close_waits_for_undecided_objections(published, api, monkeypatch, world, db):
    from services.assessments.operations import close_publicity
    on(monkeypatch, END)
    oid = _file(api, published).get_json()["id"]
    assert close_publicity(date(2026, 3, 8)) == []  # window ended, one undecided: wait
    db.session.commit()
    assert db.session.get(Home, world.home_a.id).status == HomeStatus.ACTIVE
    assert api(world.admin).post(f"/objections/{oid}/decision", json={
        "decision": "dismiss", "response": "维持结果。"}).status_code == 200
    closed = close_publicity(date(2026, 3, 9))
    assert [a.id for a in closed] == [published.id]
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Home, world.home_a.id).status == HomeStatus.REVOKED


def test_a_stale_check_loses_to_the_decision_already_written(published, api, monkeypatch, world,
                                                             db):
    """The decision is a conditional UPDATE: an object read before another decision was written
    still cannot be decided again."""
    from services.assessments import objections
    from services.errors import Conflict
    on(monkeypatch, START)
    oid = _file(api, published).get_json()["id"]
    stale = db.session.get(Objection, oid)
    assert stale.decision is None
    with db.engine.begin() as conn:  # another request decides first
        conn.execute(sa.update(Objection).where(Objection.id == oid).values(
            decision="dismiss", response="先处理", decided_by_id=world.admin.id))
    with pytest.raises(Conflict):
        objections.decide_objection(world.admin, stale, {"decision": "uphold", "response": "后处理"})
    db.session.rollback()
    assert db.session.get(Assessment, published.id).status == AssessmentStatus.PUBLISHED


def test_two_decisions_at_once_one_wins(app, published, api, monkeypatch, world, db):
    on(monkeypatch, START)
    oid = _file(api, published).get_json()["id"]
    barrier, results = threading.Barrier(2), []
    # One token per thread, taken before they start (each login uses a fresh second-factor code).
    tokens = {d: app.test_client().post("/api/v1/tokens", json=token_body(world.admin))
              .get_json()["token"] for d in ("uphold", "dismiss")}

    def worker(decision):
        client = app.test_client()
        headers = {"Authorization": f"Bearer {tokens[decision]}"}
        barrier.wait()
        resp = client.post(f"/api/v1/objections/{oid}/decision", headers=headers,
                           json={"decision": decision, "response": f"{decision} 答复"})
        results.append(resp.status_code)

    threads = [threading.Thread(target=worker, args=(d,)) for d in ("uphold", "dismiss")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    db.session.expire_all()
    [o] = _objections(db)
    a = db.session.get(Assessment, published.id)
    assert (o.decision == ObjectionDecision.UPHOLD) == (a.status == AssessmentStatus.DRAFT)
