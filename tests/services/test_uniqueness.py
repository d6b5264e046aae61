"""Unique values are a 409 naming the field, never a 500 (SPEC §8, §10; issue 11 items 4 and 10).

The database's constraints are the last word: when a request slips past a service's own check
(as racing requests do), the IntegrityError answers the same 409, with nothing written. These
run on both databases; the races themselves are in test_races_uniques.py (PostgreSQL).
"""
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from extensions import db as _db
from models import (
    Application,
    ApplicationRound,
    Assessment,
    AuditLog,
    Home,
    HomePlan,
    Unit,
    User,
    Worker,
    WorkerLink,
)
from models.enums import ApplicationStatus, Role
from services import accounts
from services.accounts import users
from services.constraints import conflict_for
from services.errors import LoginFailed
from services.homes import units
from tests.support import factories as f


def _violation(make) -> IntegrityError:
    """The IntegrityError the database raises for what `make()` adds (then rolled back)."""
    nested = _db.session.begin_nested()
    make()
    with pytest.raises(IntegrityError) as caught:
        _db.session.flush()
    nested.rollback()
    return caught.value


@pytest.mark.parametrize("make, field", [
    (lambda w: _db.session.add(User(username="ADMIN1", name="x", password_hash="x",
                                    role=Role.PROVINCIAL_ADMIN)), "username"),
    (lambda w: _db.session.add(Unit(name="南京市科协", kind="provincial_society")), "name"),
    (lambda w: _db.session.add(ApplicationRound(year=2030, deadline=date(2030, 6, 30))), "year"),
    (lambda w: _db.session.add(Home(unit_id=w.home_a.unit_id, name="第二个")), "unit_id"),
    (lambda w: _db.session.add(Assessment(home_id=w.home_a.id, year=2024)), "year"),
    (lambda w: _db.session.add(HomePlan(home_id=w.home_a.id, year=2026)), "year"),
    (lambda w: _db.session.add(Worker(name="重号", mobile="13900000001")), "mobile"),
    (lambda w: _db.session.add(WorkerLink(representative_id=w.rep_a.id,
                                          worker_id=w.worker.id)), "mobile"),
    (lambda w: _db.session.add(Application(unit_id=w.home_a.unit_id, round_id=w.round.id)),
     "round_id"),
])
def test_each_unique_constraint_means_a_conflict_naming_its_field(world, make, field):
    world.round = f.round_(year=2030)
    _db.session.add_all([Assessment(home_id=world.home_a.id, year=2024),
                         HomePlan(home_id=world.home_a.id, year=2026)])
    world.worker = f.worker(linked_by=world.rep_a, mobile="13900000001")
    f.application(world.home_a.unit, world.round, status=ApplicationStatus.SUBMITTED)
    _db.session.flush()
    conflict = conflict_for(_violation(lambda: make(world)))
    assert conflict.status == 409 and list(conflict.fields) == [field]
    assert conflict.message and conflict.fields[field] == [conflict.message]


def test_a_foreign_key_violation_is_a_conflict_and_other_violations_are_not(world):
    fk = conflict_for(_violation(lambda: _db.session.add(
        WorkerLink(representative_id=world.rep_a.id, worker_id=999999))))
    assert fk.status == 409 and "刷新" in fk.message
    not_null = _violation(lambda: _db.session.add(Unit(name=None, kind="provincial_society")))
    assert conflict_for(not_null) is None  # a programming error stays a 500


def test_api_duplicate_past_the_service_check_is_409_with_nothing_written(world, api,
                                                                          monkeypatch):
    """A request that slips past the check (as a racing one does) meets the constraint."""
    monkeypatch.setattr(users, "_check_username_free", lambda username: None)
    office = api(world.admin)  # its login is audited before the count (SPEC §5.13)
    users_before = _db.session.scalar(sa.select(sa.func.count(User.id)))
    audit_before = _db.session.scalar(sa.select(sa.func.count(AuditLog.id)))
    resp = office.post("/users", json={
        "username": "Rep_A", "password": "a-long-password-1", "name": "重名",
        "role": "representative", "home_id": world.home_a.id, "level": "city"})
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "conflict" and "用户名已存在" in error["message"]
    assert list(error["fields"]) == ["username"]
    assert _db.session.scalar(sa.select(sa.func.count(User.id))) == users_before
    assert _db.session.scalar(sa.select(sa.func.count(AuditLog.id))) == audit_before


def test_api_duplicate_unit_past_the_check(world, api, monkeypatch):
    monkeypatch.setattr(units, "_check_unique", lambda name, exclude_id=None: None)
    resp = api(world.admin).post("/units", json={"name": "南京市科协", "kind": "provincial_society"})
    assert resp.status_code == 409 and list(resp.get_json()["error"]["fields"]) == ["name"]


def test_page_duplicate_past_the_check_is_a_chinese_409_naming_the_field(world, login,
                                                                         monkeypatch):
    monkeypatch.setattr(users, "_check_username_free", lambda username: None)
    client = login(world.admin)
    resp = client.post("/admin/users/new", data={
        "username": "REP_A", "name": "重名", "password": "A-strong-password",
        "role": "representative", "unit_id": "", "home_id": str(world.home_a.id),
        "level": "city"})
    assert resp.status_code == 409
    assert "用户名已存在" in resp.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(User.id)).where(
        sa.func.lower(User.username) == "rep_a")) == 1


# --- usernames ignore case (item 10) -------------------------------------------------------

def test_username_differing_only_in_case_is_refused(world, api):
    resp = api(world.admin).post("/users", json={
        "username": "ADMIN1", "password": "a-long-password-1", "name": "大写",
        "role": "home_manager", "unit_id": world.home_a.unit_id})
    assert resp.status_code == 409
    assert list(resp.get_json()["error"]["fields"]) == ["username"]


def test_database_refuses_a_username_differing_only_in_case(world):
    _violation(lambda: _db.session.add(User(username="Rep_A", name="x", password_hash="x",
                                            role=Role.PROVINCIAL_ADMIN)))


@pytest.mark.parametrize("typed", ["ADMIN1", "Admin1", " admin1 "])
def test_login_ignores_case(world, client, typed):
    resp = client.post("/api/v1/tokens", json={"username": typed, "password": f.PASSWORD,
                                               "otp": f.otp()})
    assert resp.status_code == 201
    resp = client.post("/login", data={"username": typed, "password": f.PASSWORD})
    assert resp.status_code == 302 and "/login/code" in resp.headers["Location"]
    assert accounts.check_credentials(typed, f.PASSWORD).id == world.admin.id
    with pytest.raises(LoginFailed):
        accounts.check_credentials(typed, "wrong-password!")
