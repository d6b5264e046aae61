"""Workers and contact records: services and the /workers, /contacts API (SPEC §3, §4, §8)."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, ContactRecord, Worker, WorkerLink
from services.clock import today
from tests.support import factories as f

GOOD = {"name": "王研究员", "work_unit": "南京大学", "field": "材料", "mobile": "13912345678",
        "email": "wang@example.cn"}


def _count(model):
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- POST /workers ---------------------------------------------------------------------------

def test_post_worker_creates_and_links(world, api):
    resp = api(world.rep_a).post("/workers", json=GOOD)
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["name"] == "王研究员" and body["mobile"] == "13912345678"
    assert _db.session.get(WorkerLink, (world.rep_a.id, body["id"])) is not None
    assert _db.session.scalar(sa.select(AuditLog).where(AuditLog.object_type == "workers",
                                                        AuditLog.action == "create"))


def test_post_worker_with_known_mobile_links_existing(world, api):
    """A known mobile under the same normalised name links the stored worker (SPEC §3)."""
    existing = f.worker(linked_by=world.rep_a2, mobile="13912345678", name=" 王研究员 ")
    _db.session.commit()
    resp = api(world.rep_a).post("/workers", json=GOOD)
    assert resp.status_code == 201 and resp.get_json()["id"] == existing.id
    assert _count(Worker) == 1
    assert _db.session.get(WorkerLink, (world.rep_a.id, existing.id)) is not None
    assert _db.session.get(WorkerLink, (world.rep_a2.id, existing.id)) is not None  # several reps
    assert api(world.rep_a).post("/workers", json=GOOD).status_code == 409


def test_post_worker_minimal(world, api):
    resp = api(world.rep_a).post("/workers", json={"name": "赵"})
    assert resp.status_code == 201 and resp.get_json()["mobile"] == ""


def test_post_worker_bad_input_names_every_field(world, api):
    resp = api(world.rep_a).post("/workers", json={"name": "", "work_unit": "x" * 101,
                                                   "field": "y" * 101, "mobile": "23912345678",
                                                   "email": "nope"})
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert set(fields) == {"name", "work_unit", "field", "mobile", "email"}
    assert _count(Worker) == 0 and _count(WorkerLink) == 0
    resp = api(world.rep_a).post("/workers", json={"name": "甲" * 51, "mobile": "1391234567"})
    assert set(resp.get_json()["error"]["fields"]) == {"name", "mobile"}


@pytest.mark.parametrize("who, code", [("manager_a", 403), ("admin", 403), (None, 401)])
def test_post_worker_only_representatives(world, api, who, code):
    user = getattr(world, who) if who else None
    assert api(user).post("/workers", json=GOOD).status_code == code
    assert _count(Worker) == 0


# --- GET /workers, /workers/{id}, PATCH ------------------------------------------------------

def test_get_workers_scope(world, api):
    mine = f.worker(linked_by=world.rep_a)
    colleague = f.worker(linked_by=world.rep_a2)
    other_home = f.worker(linked_by=world.rep_b)
    _db.session.commit()

    def ids(user):
        resp = api(user).get("/workers?per_page=100")
        assert resp.status_code == 200
        body = resp.get_json()
        assert set(body) == {"items", "total", "page", "per_page"}
        return {w["id"] for w in body["items"]}

    assert ids(world.rep_a) == {mine.id}
    assert ids(world.manager_a) == {mine.id, colleague.id}
    assert ids(world.manager_b) == {other_home.id}
    assert ids(world.admin) == {mine.id, colleague.id, other_home.id}
    assert api(None).get("/workers").status_code == 401
    assert api(world.rep_a).get(f"/workers/{mine.id}").status_code == 200
    for user in (world.rep_a2, world.rep_b, world.manager_b):
        assert api(user).get(f"/workers/{mine.id}").status_code == 404
    assert api(world.manager_a).get(f"/workers/{mine.id}").status_code == 200
    assert api(world.admin).get(f"/workers/{mine.id}").status_code == 200
    assert api(world.rep_a).get("/workers/99999").status_code == 404


def test_patch_worker(world, api):
    w = f.worker(linked_by=world.rep_a, name="旧名")
    _db.session.commit()
    resp = api(world.rep_a).patch(f"/workers/{w.id}", json={"field": "人工智能"})
    assert resp.status_code == 200 and resp.get_json()["field"] == "人工智能"
    assert resp.get_json()["name"] == "旧名"
    resp = api(world.rep_a).patch(f"/workers/{w.id}", json={"name": "", "mobile": "123"})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"name", "mobile"}
    assert _db.session.get(Worker, w.id).name == "旧名"
    # managers and admins can see it but may not edit it; other representatives cannot see it
    assert api(world.manager_a).patch(f"/workers/{w.id}", json={"name": "x"}).status_code == 403
    assert api(world.admin).patch(f"/workers/{w.id}", json={"name": "x"}).status_code == 403
    for user in (world.rep_a2, world.rep_b, world.manager_b):
        assert api(user).patch(f"/workers/{w.id}", json={"name": "x"}).status_code == 404
    assert api(None).patch(f"/workers/{w.id}", json={"name": "x"}).status_code == 401
    assert _db.session.get(Worker, w.id).name == "旧名"


# --- POST /contacts --------------------------------------------------------------------------

def _contact_body(worker, **kw):
    body = {"worker_id": worker.id, "date": "2026-03-01", "channel": "visit", "summary": "走访"}
    body.update(kw)
    return body


def test_post_contact(world, api):
    w = f.worker(linked_by=world.rep_a)
    _db.session.commit()
    resp = api(world.rep_a).post("/contacts", json=_contact_body(w))
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["worker_id"] == w.id and body["channel"] == "visit" and body["date"] == "2026-03-01"
    assert body["representative_id"] == world.rep_a.id and body["activity_id"] is None
    assert _db.session.scalar(sa.select(AuditLog).where(AuditLog.object_type == "contact_records"))


@pytest.mark.parametrize("override, field", [
    ({"channel": "activity"}, "channel"),
    ({"channel": "letter"}, "channel"),
    ({"channel": None}, "channel"),
    ({"date": (today() + timedelta(days=1)).isoformat()}, "date"),
    ({"date": "1999-12-31"}, "date"),
    ({"date": "2026-02-30"}, "date"),
    ({"date": None}, "date"),
    ({"summary": "字" * 2001}, "summary"),
    ({"worker_id": None}, "worker_id"),
    ({"worker_id": "abc"}, "worker_id"),
])
def test_post_contact_bad_input(world, api, override, field):
    w = f.worker(linked_by=world.rep_a)
    _db.session.commit()
    resp = api(world.rep_a).post("/contacts", json=_contact_body(w, **override))
    assert resp.status_code == 422
    assert field in resp.get_json()["error"]["fields"]
    assert _count(ContactRecord) == 0


def test_post_contact_edges_accepted(world, api):
    w = f.worker(linked_by=world.rep_a)
    _db.session.commit()
    client = api(world.rep_a)
    assert client.post("/contacts", json=_contact_body(w, date="2000-01-01")).status_code == 201
    assert client.post("/contacts", json=_contact_body(w, date=today().isoformat())).status_code == 201
    assert client.post("/contacts", json=_contact_body(w, summary="字" * 2000)).status_code == 201


def test_post_contact_all_bad_fields_at_once(world, api):
    resp = api(world.rep_a).post("/contacts", json={"worker_id": 99999, "date": "3000-01-01",
                                                    "channel": "activity", "summary": "x" * 2001})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"worker_id", "date", "channel", "summary"}


def test_post_contact_with_worker_not_linked_is_422(world, api):
    colleague_worker = f.worker(linked_by=world.rep_a2)
    other_home_worker = f.worker(linked_by=world.rep_b)
    _db.session.commit()
    for w in (colleague_worker, other_home_worker):
        resp = api(world.rep_a).post("/contacts", json=_contact_body(w))
        assert resp.status_code == 422
        assert "worker_id" in resp.get_json()["error"]["fields"]
    assert _count(ContactRecord) == 0


@pytest.mark.parametrize("who, code", [("manager_a", 403), ("admin", 403), (None, 401)])
def test_post_contact_only_representatives(world, api, who, code):
    w = f.worker(linked_by=world.rep_a)
    _db.session.commit()
    user = getattr(world, who) if who else None
    assert api(user).post("/contacts", json=_contact_body(w)).status_code == code
    assert _count(ContactRecord) == 0


def test_get_contacts_scope_and_filters(world, api):
    wa = f.worker(linked_by=world.rep_a)
    wa2 = f.worker(linked_by=world.rep_a2)
    wb = f.worker(linked_by=world.rep_b)
    c1 = f.contact(world.rep_a, wa, date(2025, 12, 31))
    c2 = f.contact(world.rep_a, wa, date(2026, 1, 1))
    c3 = f.contact(world.rep_a2, wa2, date(2026, 2, 1))
    c4 = f.contact(world.rep_b, wb, date(2026, 2, 1))
    _db.session.commit()

    def ids(user, query=""):
        resp = api(user).get(f"/contacts?per_page=100{query}")
        assert resp.status_code == 200
        return {c["id"] for c in resp.get_json()["items"]}

    assert ids(world.rep_a) == {c1.id, c2.id}
    assert ids(world.rep_a, "&year=2026") == {c2.id}
    assert ids(world.rep_a, "&year=2025") == {c1.id}
    assert ids(world.manager_a) == {c1.id, c2.id, c3.id}
    assert ids(world.manager_a, f"&representative_id={world.rep_a2.id}") == {c3.id}
    assert ids(world.manager_a, f"&representative_id={world.rep_b.id}") == set()
    assert ids(world.admin, "&year=2026") == {c2.id, c3.id, c4.id}
    assert ids(world.rep_b) == {c4.id}
    assert api(None).get("/contacts").status_code == 401
    resp = api(world.rep_a).get("/contacts?year=x")
    assert resp.status_code == 422 and "year" in resp.get_json()["error"]["fields"]


# --- services: delete, unlink ----------------------------------------------------------------

def test_delete_contact_rules(world):
    from services import contacts
    from services.errors import Conflict, Forbidden
    w = f.worker(linked_by=world.rep_a)
    manual = f.contact(world.rep_a, w)
    act = f.activity(world.rep_a)
    by_activity = f.contact(world.rep_a, w, channel="activity", activity_id=act.id)
    with pytest.raises(Conflict):
        contacts.delete_contact(world.rep_a, by_activity)
    with pytest.raises(Forbidden):
        contacts.delete_contact(world.rep_a2, manual)
    with pytest.raises(Forbidden):
        contacts.delete_contact(world.manager_a, manual)
    contacts.delete_contact(world.rep_a, manual)
    assert _db.session.get(ContactRecord, manual.id) is None
    assert _db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "delete",
                                                        AuditLog.object_type == "contact_records"))


def test_unlink_keeps_other_links(world):
    from services.contacts import workers
    from services.errors import Conflict
    w = f.worker(linked_by=world.rep_a)
    f.link(world.rep_a2, w)
    workers.unlink_worker(world.rep_a, w)
    assert _db.session.get(WorkerLink, (world.rep_a.id, w.id)) is None
    assert _db.session.get(WorkerLink, (world.rep_a2.id, w.id)) is not None
    with pytest.raises(Conflict):
        workers.unlink_worker(world.rep_a, w)
