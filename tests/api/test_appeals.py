"""Appeals (诉求/建议): filing, status transitions, notifications, audit, /appeals API access."""
import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Appeal, AuditLog, Notification
from tests.support import factories as f


def _count(model):
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_post_appeal(world, api):
    w = f.worker(linked_by=world.rep_a)
    _db.session.commit()
    resp = api(world.rep_a).post("/appeals", json={"category": "career", "content": "希望……",
                                                   "worker_id": w.id})
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["status"] == "received" and body["home_id"] == world.home_a.id
    assert body["worker_id"] == w.id and body["representative_id"] == world.rep_a.id
    assert _db.session.scalar(sa.select(AuditLog).where(AuditLog.object_type == "appeals"))
    # the Home's manager hears of it
    assert _db.session.scalar(sa.select(Notification).where(
        Notification.user_id == world.manager_a.id))


def test_post_appeal_anonymous(world, api):
    resp = api(world.rep_a).post("/appeals", json={"category": "other", "content": "匿名",
                                                   "worker_id": None})
    assert resp.status_code == 201 and resp.get_json()["worker_id"] is None


@pytest.mark.parametrize("body, fields", [
    ({"category": "money", "content": "x"}, {"category"}),
    ({"content": "x"}, {"category"}),
    ({"category": "other", "content": ""}, {"content"}),
    ({"category": "other", "content": "字" * 5001}, {"content"}),
    ({"category": "other", "content": "x", "worker_id": "abc"}, {"worker_id"}),
    ({"category": "bad", "content": "", "worker_id": 99999}, {"category", "content", "worker_id"}),
])
def test_post_appeal_bad_input(world, api, body, fields):
    resp = api(world.rep_a).post("/appeals", json=body)
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == fields
    assert _count(Appeal) == 0


def test_post_appeal_content_edge(world, api):
    assert api(world.rep_a).post("/appeals", json={"category": "other",
                                                   "content": "字" * 5000}).status_code == 201


def test_post_appeal_worker_must_be_linked(world, api):
    other = f.worker(linked_by=world.rep_a2)
    _db.session.commit()
    resp = api(world.rep_a).post("/appeals", json={"category": "other", "content": "x",
                                                   "worker_id": other.id})
    assert resp.status_code == 422 and "worker_id" in resp.get_json()["error"]["fields"]


@pytest.mark.parametrize("who, code", [("manager_a", 403), ("admin", 403), (None, 401)])
def test_post_appeal_only_representatives(world, api, who, code):
    user = getattr(world, who) if who else None
    assert api(user).post("/appeals", json={"category": "other", "content": "x"}).status_code == code
    assert _count(Appeal) == 0


# --- transitions -----------------------------------------------------------------------------

@pytest.mark.parametrize("start, target, response, code", [
    ("received", "forwarded", None, 200),
    ("received", "resolved", "已答复", 200),
    ("forwarded", "resolved", "已答复", 200),
    ("received", "closed", None, 200),
    ("forwarded", "closed", None, 200),
    ("forwarded", "forwarded", None, 409),
    ("resolved", "closed", None, 409),
    ("resolved", "forwarded", None, 409),
    ("closed", "resolved", "x", 409),
    ("closed", "forwarded", None, 409),
    ("received", "received", None, 422),
    ("received", "resolved", "", 422),
    ("received", "resolved", None, 422),
    ("received", "unknown", None, 422),
])
def test_transitions(world, api, start, target, response, code):
    appeal = f.appeal(world.rep_a, status=start)
    _db.session.commit()
    body = {"status": target}
    if response is not None:
        body["response"] = response
    resp = api(world.manager_a).patch(f"/appeals/{appeal.id}", json=body)
    assert resp.status_code == code, resp.get_json()
    after = _db.session.get(Appeal, appeal.id)
    if code == 200:
        assert after.status.value == target and after.handled_by_id == world.manager_a.id
        if target == "resolved":
            assert after.response == response and after.resolved_at is not None
    else:
        assert after.status.value == start


def test_resolve_and_close_notify_representative(world, api):
    a1 = f.appeal(world.rep_a)
    a2 = f.appeal(world.rep_a)
    _db.session.commit()
    api(world.manager_a).patch(f"/appeals/{a1.id}", json={"status": "resolved", "response": "好"})
    api(world.admin).patch(f"/appeals/{a2.id}", json={"status": "closed"})
    kinds = set(_db.session.scalars(sa.select(Notification.kind).where(
        Notification.user_id == world.rep_a.id)))
    assert kinds == {"appeal_resolved", "appeal_closed"}
    actions = set(_db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "appeals")))
    assert {"status_resolved", "status_closed"} <= actions


def test_forward_does_not_notify(world, api):
    a = f.appeal(world.rep_a)
    _db.session.commit()
    api(world.manager_a).patch(f"/appeals/{a.id}", json={"status": "forwarded"})
    assert _count(Notification) == 0


def test_response_only_update_on_open_appeal(world, api):
    a = f.appeal(world.rep_a)
    _db.session.commit()
    resp = api(world.manager_a).patch(f"/appeals/{a.id}", json={"response": "正在协调"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "received"
    # the response given earlier is enough to resolve
    resp = api(world.manager_a).patch(f"/appeals/{a.id}", json={"status": "resolved"})
    assert resp.status_code == 200 and resp.get_json()["response"] == "正在协调"
    assert api(world.manager_a).patch(f"/appeals/{a.id}", json={"response": "改"}).status_code == 409


# --- access matrix ---------------------------------------------------------------------------

@pytest.mark.parametrize("who, get_code, patch_code", [
    (None, 401, 401),
    ("rep_a", 200, 403),      # own appeal: may see, may not change status
    ("rep_a2", 404, 404),     # colleague's appeal
    ("rep_b", 404, 404),
    ("manager_a", 200, 200),
    ("manager_b", 404, 404),
    ("admin", 200, 200),
])
def test_appeal_access_matrix(world, api, who, get_code, patch_code):
    appeal = f.appeal(world.rep_a)
    _db.session.commit()
    user = getattr(world, who) if who else None
    client = api(user)
    assert client.get(f"/appeals/{appeal.id}").status_code == get_code
    assert client.patch(f"/appeals/{appeal.id}", json={"status": "forwarded"}).status_code == patch_code
    expected = "forwarded" if patch_code == 200 else "received"
    assert _db.session.get(Appeal, appeal.id).status.value == expected


def test_appeal_list_scope(world, api):
    a = f.appeal(world.rep_a)
    a2 = f.appeal(world.rep_a2)
    b = f.appeal(world.rep_b, status="resolved", response="ok")
    _db.session.commit()

    def ids(user, query=""):
        resp = api(user).get(f"/appeals?per_page=100{query}")
        assert resp.status_code == 200
        return {x["id"] for x in resp.get_json()["items"]}

    assert ids(world.rep_a) == {a.id}
    assert ids(world.manager_a) == {a.id, a2.id}
    assert ids(world.manager_b) == {b.id}
    assert ids(world.admin) == {a.id, a2.id, b.id}
    assert ids(world.admin, "&status=resolved") == {b.id}
    assert api(world.admin).get("/appeals?status=nope").status_code == 422
    assert api(None).get("/appeals").status_code == 401
