"""Mobiles as people write them are normalised to the 11 digits, everywhere they are entered, and
the database holds one worker per normalised mobile (issue 11 items 3 and 11; both databases)."""
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from extensions import db as _db
from models import Application, User, Worker, WorkerLink
from services import clock
from services.validation import normalize_mobile
from tests.support import factories as f


@pytest.mark.parametrize("written, digits", [
    ("13800138001", "13800138001"),
    ("+86 138 0013 8001", "13800138001"),
    ("+8613800138001", "13800138001"),
    ("0086 138 0013 8001", "13800138001"),
    ("0086-13800138001", "13800138001"),
    ("8613800138001", "13800138001"),
    ("138-0013-8003", "13800138003"),
    ("138 0013 8003", "13800138003"),
    (" 13800138003\t", "13800138003"),
    ("１３８００１３８００１", "13800138001"),
    ("＋８６　１３８－００１３－８００１", "13800138001"),
    ("(+86) 138.0013.8001", "13800138001"),
    ("199 9999 0000", "19999990000"),
])
def test_normalize_mobile_accepts_what_people_write(written, digits):
    assert normalize_mobile(written) == digits


@pytest.mark.parametrize("written", [
    "", "   ", "1380013800", "138001380011", "12800138000", "23800138000", "010-12345678",
    "+1 415 555 0100", "+86 010 1234 5678", "86 1380013800", "138OO138001", "13800138001x",
    "١٣٨٠٠١٣٨٠٠١",  # Arabic-Indic digits are digits to Python, not to a Chinese phone
    "+8686 13800138001", None, 13800138001,
])
def test_normalize_mobile_refuses_what_is_not_a_mainland_mobile(written):
    assert normalize_mobile(written) is None


def test_api_worker_mobile_is_stored_normalised_and_matched_in_any_notation(world, api):
    rep_a, rep_a2 = api(world.rep_a), api(world.rep_a2)
    resp = rep_a.post("/workers", json={"name": "李工", "mobile": "+86 138 0013 8001"})
    assert resp.status_code == 201 and resp.get_json()["mobile"] == "13800138001"
    worker_id = resp.get_json()["id"]
    again = rep_a.post("/workers", json={"name": "李工", "mobile": "138-0013-8001"})
    assert again.status_code == 409 and list(again.get_json()["error"]["fields"]) == ["mobile"]
    other = rep_a2.post("/workers", json={"name": "李工", "mobile": "００８６１３８００１３８００１"})
    assert other.status_code == 201 and other.get_json()["id"] == worker_id
    assert _db.session.scalar(sa.select(sa.func.count(Worker.id))) == 1
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(WorkerLink)) == 2


@pytest.mark.parametrize("bad", ["+1 415 555 0100", "1380013800", "010-12345678"])
def test_api_refuses_what_is_not_a_mainland_mobile(world, api, bad):
    resp = api(world.rep_a).post("/workers", json={"name": "李工", "mobile": bad})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"]["mobile"] == ["手机号应为11位中国大陆手机号"]
    assert _db.session.scalar(sa.select(sa.func.count(Worker.id))) == 0


def test_workers_without_mobile_may_be_many(world, api):
    rep = api(world.rep_a)
    for name in ("甲", "乙"):
        assert rep.post("/workers", json={"name": name, "mobile": ""}).status_code == 201
    assert rep.post("/workers", json={"name": "丙"}).status_code == 201
    assert _db.session.scalar(sa.select(sa.func.count(Worker.id))) == 3


def test_editing_a_worker_to_another_workers_mobile_conflicts(world, api):
    taken = f.worker(linked_by=world.rep_a2, mobile="13900000002")
    mine = f.worker(linked_by=world.rep_a, mobile="13900000003")
    _db.session.commit()
    resp = api(world.rep_a).patch(f"/workers/{mine.id}", json={"mobile": "+86 139 0000 0002"})
    assert resp.status_code == 409 and list(resp.get_json()["error"]["fields"]) == ["mobile"]
    resp = api(world.rep_a).patch(f"/workers/{mine.id}", json={"mobile": "139-0000-0004"})
    assert resp.status_code == 200 and resp.get_json()["mobile"] == "13900000004"
    assert taken.mobile == "13900000002"


def test_database_holds_one_worker_per_mobile(world):
    f.worker(mobile="13900000005")
    f.worker(mobile="")
    f.worker(mobile="")  # blank: no mobile, allowed many times
    nested = _db.session.begin_nested()
    _db.session.add(Worker(name="重号", mobile="13900000005"))
    with pytest.raises(IntegrityError):
        _db.session.flush()
    nested.rollback()


def test_pages_normalise_worker_and_link_mobiles(world, login):
    client = login(world.rep_a)
    resp = client.post("/me/workers", data={"action": "add", "add-name": "周工",
                                            "add-mobile": "１３９ １２３４ ５６７８"})
    assert resp.status_code == 302
    worker = _db.session.scalar(sa.select(Worker).where(Worker.name == "周工"))
    assert worker.mobile == "13912345678"
    client = login(world.rep_a2)
    resp = client.post("/me/workers", data={"action": "link", "link-mobile": "+86 139-1234-5678",
                                            "link-name": "周工"})
    assert resp.status_code == 302
    assert _db.session.get(WorkerLink, (world.rep_a2.id, worker.id)) is not None


def test_user_mobiles_are_normalised_in_the_api_and_pages(world, api, login):
    resp = api(world.admin).post("/users", json={
        "username": "mobile_rep", "password": "a-long-password-1", "name": "手机代表",
        "role": "representative", "home_id": world.home_a.id, "level": "city",
        "mobile": "+86 137 0000 1111"})
    assert resp.status_code == 201
    assert _db.session.scalar(sa.select(User.mobile).where(User.username == "mobile_rep")) \
        == "13700001111"
    login(world.admin).post("/admin/users/new", data={
        "username": "mobile_mgr", "name": "手机管理员", "password": "A-strong-password",
        "role": "home_manager", "unit_id": str(world.home_b.unit_id), "home_id": "",
        "level": "", "mobile": "0086 137-0000-2222"})
    assert _db.session.scalar(sa.select(User.mobile).where(User.username == "mobile_mgr")) \
        == "13700002222"
    resp = api(world.admin).post("/users", json={
        "username": "bad_mobile", "password": "a-long-password-1", "name": "错号",
        "role": "home_manager", "unit_id": world.home_a.unit_id, "mobile": "+44 20 7946 0000"})
    assert resp.status_code == 422 and "mobile" in resp.get_json()["error"]["fields"]


def test_application_contact_mobile_is_normalised(world, api, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 5, 1))
    rnd = f.round_(year=2026)
    world.home_a.status = f.HomeStatus.EXPIRED
    _db.session.commit()
    resp = api(world.manager_a).post("/applications", json={
        "round_id": rnd.id, "scheme": "方" * 1000, "contact_name": "张三",
        "contact_mobile": "+86 138 0013 8009", "pledge": True})
    assert resp.status_code == 201
    app_id = resp.get_json()["id"]
    assert _db.session.get(Application, app_id).contact_mobile == "13800138009"
    assert api(world.manager_a).post(f"/applications/{app_id}/submit").status_code == 200
