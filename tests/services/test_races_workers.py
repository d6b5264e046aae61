"""One person is one worker under concurrency (PostgreSQL, SPEC §3 worker identity): a worker
without a mobile is matched by normalised name and unit, and that rule holds when imports of one
Home commit at once, and when imports race a representative adding the same person by hand — the
Home's row is locked before any match is read (services.contacts.lock_home_workers).

Without the lock each of the racing imports finds no match and stores its own copy.
"""
from io import BytesIO

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Worker, WorkerLink
from tests.support.import_files import WORKER_HEADER, xlsx
from tests.support.racing import api_call, race, race_app, statuses, token

pytestmark = pytest.mark.postgres
__all__ = ["race_app"]  # the module-scoped fixture, imported for pytest

IMPORTS = 8  # commits queue on one lock, each after the other: kept under the statement deadline


def _import_call(bearer, data):
    """A call for `race`: commit a workers file at once (no dry run first)."""
    def call(client):
        return client.post("/api/v1/imports/workers", headers={"Authorization": f"Bearer {bearer}"},
                           data={"file": (BytesIO(data), "w.xlsx"), "dry_run": "false"},
                           content_type="multipart/form-data")
    return call


def _workers_and_links():
    _db.session.expire_all()
    return (_db.session.scalar(sa.select(sa.func.count(Worker.id))),
            _db.session.scalar(sa.select(sa.func.count()).select_from(WorkerLink)))


def test_imports_of_one_home_at_once_store_each_person_once(world, race_app):
    """The same file of three workers (two without a mobile) committed by several requests at once:
    every one answers 200, three workers and three links are stored."""
    rep = world.rep_a.username
    data = xlsx(WORKER_HEADER, [["陈静", "江苏省农业科学院", "农业", "", "", rep],
                                ["古丽米热·艾比布力", "新疆大学", "", "", "", rep],
                                ["王强", "东南大学", "", "13700000009", "", rep]])
    bearer = token(race_app, world.manager_a)
    responses = race(race_app, [_import_call(bearer, data)] * IMPORTS)
    assert statuses(responses) == {200: IMPORTS}, [r.get_json() for r in responses]
    assert _workers_and_links() == (3, 3)
    created = sorted(r.get_json()["created"] for r in responses)
    assert created == [0] * (IMPORTS - 1) + [3]  # one import made them, the others matched them


def test_imports_racing_a_representative_adding_the_same_person_make_one_worker(world, race_app):
    """Representative A adds 古丽米热·艾比布力 (新疆大学) by hand while imports name the same person
    for A — written with another middle dot — at the same moment: one worker, one link."""
    rep_bearer = token(race_app, world.rep_a)
    manager_bearer = token(race_app, world.manager_a)
    data = xlsx(WORKER_HEADER, [["古丽米热・艾比布力", "新疆大学", "", "", "", world.rep_a.username]])
    by_hand = api_call("post", "/workers", rep_bearer, {"name": "古丽米热·艾比布力",
                                                         "work_unit": "新疆大学"})
    calls = [by_hand] * IMPORTS + [_import_call(manager_bearer, data)] * IMPORTS
    responses = race(race_app, calls)
    hand, imports = statuses(responses[:IMPORTS]), statuses(responses[IMPORTS:])
    assert imports == {200: IMPORTS}, [r.get_json() for r in responses[IMPORTS:]]
    assert hand[201] <= 1 and hand[201] + hand[409] == IMPORTS, hand
    assert _workers_and_links() == (1, 1)
