"""A queued message is sent once even when many senders run at once (PostgreSQL, 20 threads):
each message is claimed by a conditional UPDATE before it is sent. The job's lease already keeps
runs apart; this is the guard beneath it."""
import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Delivery, MessageRobot
from models.enums import DeliveryChannel, DeliveryStatus
from services import notifications
from tests.support.racing import N, race, race_app
from tests.support.receivers import RobotReceiver

pytestmark = pytest.mark.postgres
__all__ = ["race_app"]  # the module-scoped fixture, imported for pytest


def test_twenty_concurrent_senders_send_each_message_once(race_app, world):
    with RobotReceiver() as receiver:
        robot = MessageRobot(owner=notifications.home_owner(world.home_a.id),
                             home_id=world.home_a.id, provider=DeliveryChannel.WECOM,
                             webhook_url=receiver.url(key="k"))
        _db.session.add(robot)
        _db.session.commit()
        for i in range(3):
            notifications.announce(notifications.home_owner(world.home_a.id), "appeal_received",
                                   "", {"count": i + 1})
        _db.session.commit()

        def send(client):
            with client.application.app_context():
                try:
                    return notifications.deliver_due()["delivered"]
                finally:
                    _db.session.remove()

        delivered = race(race_app, [send] * N)
        assert sum(delivered) == 3
        assert len(receiver.requests) == 3
        _db.session.expire_all()
        rows = list(_db.session.scalars(sa.select(Delivery)))
        assert all(d.status == DeliveryStatus.DELIVERED and d.attempts == 1 for d in rows)
