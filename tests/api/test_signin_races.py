# ruff: noqa: F811  (the fixtures of tests/support/signin.py are imported, then requested by name)
"""Sign-in under 20 concurrent requests (PostgreSQL, SPEC §5.9, §10): one mobile signs in once,
different mobiles get distinct numbers, a worker's mobile makes one worker, opening makes one code."""
import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import ActivitySignin, Attendee, ContactRecord, Worker
from models.enums import ActivityStatus
from services import signin
from tests.support.racing import N, api_call, race, race_app, statuses, token
from tests.support.signin import clock, event  # noqa: F401

pytestmark = pytest.mark.postgres
__all__ = ["race_app"]
NOTATIONS = ["+86 139 1234 5678", "139-1234-5678", "１３９１２３４５６７８", "13912345678",
             "+86-139 1234-5678"]


def _public(code, body):
    def call(client):
        return client.post(f"/api/v1/public/signin/{code}", json=body)
    return call


def _opened(world, event, status=ActivityStatus.SUBMITTED):
    event.status = status
    _db.session.commit()
    row = signin.open_signin(world.rep_a, event)[0]
    _db.session.commit()
    return row.code


def test_twenty_sign_ins_of_one_mobile_make_one_row(race_app, world, event):
    code = _opened(world, event)
    calls = [_public(code, {"name": "王小明", "mobile": NOTATIONS[i % 5], "is_worker": True})
             for i in range(N)]
    responses = race(race_app, calls)
    assert statuses(responses) == {201: 1, 200: N - 1}, [r.get_json() for r in responses]
    assert {r.get_json()["attendee_no"] for r in responses} == {1}
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 1
    assert _db.session.scalar(sa.select(sa.func.count(Worker.id))) == 1
    assert _db.session.scalar(sa.select(sa.func.count(ContactRecord.id))) == 1


def test_twenty_people_get_twenty_numbers(race_app, world, event):
    code = _opened(world, event, ActivityStatus.DRAFT)
    calls = [_public(code, {"name": f"参会者{i}", "mobile": f"1380000{i:04d}"}) for i in range(N)]
    responses = race(race_app, calls)
    assert statuses(responses) == {201: N}
    assert sorted(r.get_json()["attendee_no"] for r in responses) == list(range(1, N + 1))


def test_twenty_openings_make_one_code(race_app, world, event):
    bearer = token(race_app, world.rep_a)
    responses = race(race_app, [api_call("post", f"/activities/{event.id}/signin", bearer, {})
                                for _ in range(N)])
    assert statuses(responses) == {201: 1, 200: N - 1}
    assert len({r.get_json()["code"] for r in responses}) == 1
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count(ActivitySignin.id))) == 1
