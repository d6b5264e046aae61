"""The requester's rating under 20 concurrent requests (PostgreSQL, SPEC §5.11): one succeeds."""
import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, Need
from models.enums import NeedStatus
from tests.support.needs import need
from tests.support.racing import N, race, race_app, statuses

pytestmark = pytest.mark.postgres
__all__ = ["race_app"]


def _rate(receipt, score):
    def call(client):
        return client.post(f"/api/v1/public/needs/{receipt}/rating", json={"score": score})
    return call


def test_twenty_ratings_make_one(race_app, world):
    row = need(NeedStatus.FULFILLED, world.home_a, [world.rep_a])
    _db.session.commit()
    responses = race(race_app, [_rate(row.receipt, 1 + i % 5) for i in range(N)])
    assert statuses(responses) == {200: 1, 409: N - 1}, [r.get_json() for r in responses]
    _db.session.expire_all()
    stored = _db.session.get(Need, row.id)
    winner = next(r for r in responses if r.status_code == 200).get_json()
    assert stored.status == NeedStatus.CLOSED and stored.rating == winner["rating"]["score"]
    assert _db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.object_type == "needs", AuditLog.action == "rate")) == 1
