"""The review pages (blueprints/activities/review.py) under 20 concurrent requests (PostgreSQL):
one verification wins, the others are refused and leave nothing behind."""
import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Activity, AuditLog
from models.enums import ActivityStatus
from tests.conftest import login_form
from tests.support import factories as f
from tests.support.racing import N, race, race_app, statuses

pytestmark = pytest.mark.postgres
__all__ = ["race_app"]  # the module-scoped fixture, imported for pytest


def _verifications(activity_ids) -> int:
    return _db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "verify", AuditLog.object_type == "activities",
        AuditLog.object_id.in_(activity_ids)))


def _login_as(user):
    """A `prepare` for race(): the login page and, for a manager or admin, the code page."""
    def login(client):
        assert login_form(client, user).status_code == 302
    return login


def test_one_activity_verified_once_from_the_review_page(world, race_app):
    """20 "审核通过" of one submitted activity: one 303 back to it, nineteen 409, one audit
    entry."""
    activity = f.activity(world.rep_a, status=ActivityStatus.SUBMITTED)
    _db.session.commit()
    path = f"/manage/activities/{activity.id}/verify"
    responses = race(race_app, [lambda c: c.post(path)] * N, prepare=_login_as(world.manager_a))
    assert statuses(responses) == {303: 1, 409: N - 1}
    _db.session.expire_all()
    assert _db.session.get(Activity, activity.id).status == ActivityStatus.VERIFIED
    assert _verifications([activity.id]) == 1


def test_bulk_verify_from_the_queue_verifies_each_once(world, race_app):
    """20 bulk verifications of the same three activities: every request answers the queue
    (303), each activity is verified and audited exactly once."""
    ids = [f.activity(world.rep_a, status=ActivityStatus.SUBMITTED).id for _ in range(3)]
    _db.session.commit()
    data = {"ids": [str(i) for i in ids]}
    responses = race(race_app, [lambda c: c.post("/manage/queue/verify", data=data)] * N,
                     prepare=_login_as(world.manager_a))
    assert statuses(responses) == {303: N}
    _db.session.expire_all()
    assert {a.status for a in _db.session.scalars(sa.select(Activity).where(
        Activity.id.in_(ids)))} == {ActivityStatus.VERIFIED}
    assert _verifications(ids) == 3
