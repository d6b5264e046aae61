"""Creating unique things under 20 concurrent requests (PostgreSQL, SPEC §8, §10, issue 11).

The services check first; the database's unique constraints have the last word, and a violation
answers 409 naming the field — exactly one 201, never a 500.
"""
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import (
    Application,
    ApplicationRound,
    Assessment,
    AuditLog,
    Unit,
    User,
    Worker,
    WorkerLink,
)
from services import clock
from tests.support import factories as f
from tests.support.racing import N, api_call, race, race_app, statuses, token

pytestmark = pytest.mark.postgres
__all__ = ["race_app"]

NOTATIONS = ["+86 138 0013 8001", "0086 13800138001", "138-0013-8001", "１３８００１３８００１",
             "13800138001"]


def _fields_of_409(responses) -> set:
    out = set()
    for r in responses:
        if r.status_code == 409:
            body = r.get_json()["error"]
            assert body["code"] == "conflict"
            out |= set(body["fields"])
    return out


def _count(model, *where) -> int:
    _db.session.expire_all()
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_users_with_one_username_at_once(world, race_app):
    """20 POST /users with one username (in several cases): one 201, nineteen 409 `username`."""
    bearer = token(race_app, world.admin)
    names = ["racer", "RACER", "Racer", "rAcEr"]
    calls = [api_call("post", "/users", bearer, {
        "username": names[i % 4], "password": "a-long-password-1", "name": "赛跑者",
        "role": "representative", "home_id": world.home_a.id, "level": "city"}) for i in range(N)]
    responses = race(race_app, calls)
    assert statuses(responses) == {201: 1, 409: N - 1}
    assert _fields_of_409(responses) == {"username"}
    assert _count(User, sa.func.lower(User.username) == "racer") == 1


def test_units_with_one_name_at_once(world, race_app):
    bearer = token(race_app, world.admin)
    responses = race(race_app, [api_call("post", "/units", bearer, {
        "name": "赛跑学会", "kind": "provincial_society"}) for _ in range(N)])
    assert statuses(responses) == {201: 1, 409: N - 1}
    assert _fields_of_409(responses) == {"name"}
    assert _count(Unit, Unit.name == "赛跑学会") == 1


def test_rounds_of_one_year_at_once(world, race_app):
    bearer = token(race_app, world.admin)
    responses = race(race_app, [api_call("post", "/rounds", bearer, {
        "year": 2031, "deadline": "2031-06-30"}) for _ in range(N)])
    assert statuses(responses) == {201: 1, 409: N - 1}
    assert _fields_of_409(responses) == {"year"}
    assert _count(ApplicationRound, ApplicationRound.year == 2031) == 1


def test_assessments_of_one_home_and_year_at_once(world, race_app):
    bearer = token(race_app, world.admin)
    responses = race(race_app, [api_call("post", "/assessments", bearer, {
        "home_id": world.home_a.id, "year": 2025}) for _ in range(N)])
    assert statuses(responses) == {201: 1, 409: N - 1}
    assert _count(Assessment, Assessment.home_id == world.home_a.id) == 1
    assert _count(AuditLog, AuditLog.object_type == "assessments") == 1


def test_one_live_application_per_unit_and_round_at_once(world, race_app, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 5, 1))
    rnd = f.round_(year=2026)
    _db.session.commit()
    bearer = token(race_app, world.manager_a)
    responses = race(race_app, [api_call("post", "/applications", bearer, {
        "round_id": rnd.id, "contact_name": "张三", "pledge": True}) for _ in range(N)])
    assert statuses(responses) == {201: 1, 409: N - 1}
    assert _count(Application, Application.round_id == rnd.id) == 1


def test_one_representative_posts_one_mobile_at_once(world, race_app):
    """One representative, one mobile written five ways, 20 requests: one 201 and nineteen 409
    (already linked); one worker row, one link."""
    bearer = token(race_app, world.rep_a)
    responses = race(race_app, [api_call("post", "/workers", bearer, {
        "name": "钱工", "work_unit": "东南大学", "mobile": NOTATIONS[i % 5]}) for i in range(N)])
    assert statuses(responses) == {201: 1, 409: N - 1}
    assert _fields_of_409(responses) == {"mobile"}
    assert _count(Worker, Worker.mobile == "13800138001") == 1
    assert _count(WorkerLink, WorkerLink.representative_id == world.rep_a.id) == 1


def test_ten_representatives_post_one_mobile_at_once(world, race_app):
    """Ten representatives, one mobile: ten 201, all linked to ONE worker, created once."""
    reps = [f.representative(world.home_a if i % 2 else world.home_b) for i in range(10)]
    _db.session.commit()
    bearers = [token(race_app, rep) for rep in reps]
    responses = race(race_app, [api_call("post", "/workers", bearers[i], {
        "name": "孙工", "work_unit": "南京大学", "mobile": NOTATIONS[i % 5]}) for i in range(10)])
    assert statuses(responses) == {201: 10}
    assert len({r.get_json()["id"] for r in responses}) == 1
    worker_id = responses[0].get_json()["id"]
    assert _count(Worker, Worker.mobile == "13800138001") == 1
    assert _count(WorkerLink, WorkerLink.worker_id == worker_id) == 10
    assert _count(AuditLog, AuditLog.object_type == "workers", AuditLog.action == "create") == 1
