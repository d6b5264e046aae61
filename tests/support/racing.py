"""Concurrent requests for the race tests: N threads, each with its own test client (and so its
own app context and database connection), released together by a barrier."""
import threading
from collections import Counter

import pytest

from tests.conftest import make_app
from tests.support import workers

N = 20


@pytest.fixture(scope="module")
def race_app():
    """An app whose pool holds a connection for each of the N racing requests.

    Under xdist one worker at a time holds such a pool: two would crowd PostgreSQL's max_connections.
    """
    with workers.one_at_a_time("races"):
        app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": N + 2, "max_overflow": 0,
                                                  "pool_timeout": 60})
        yield app
        with app.app_context():
            from extensions import db
            db.engine.dispose()


def token(app, user) -> str:
    """A bearer token for `user` (the test's data must be committed)."""
    from tests.conftest import token_body
    resp = app.test_client().post("/api/v1/tokens", json=token_body(user))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["token"]


def race(app, calls, prepare=None) -> list:
    """Run each `call(client)` in its own thread, all started together; their responses in order.

    `calls` is a list of functions of a test client. Every client is made (and `prepare(client)`,
    e.g. a login, run) one after the other before any thread starts — a second-factor code is
    claimed once, so logins of one user must not race each other — and the threads then wait at a
    barrier, so the requests start at one moment.
    """
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)
    errors = []
    clients = [app.test_client() for _ in calls]
    if prepare is not None:
        for client in clients:
            prepare(client)

    def run(i, call):
        client = clients[i]
        try:
            barrier.wait(timeout=60)
            results[i] = call(client)
        except BaseException as error:  # reported below, with the thread's index
            errors.append((i, error))

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def api_call(method: str, path: str, bearer: str, json=None):
    """A call for `race`: one API request with a bearer token."""
    def call(client):
        return getattr(client, method)("/api/v1" + path, json=json,
                                       headers={"Authorization": f"Bearer {bearer}"})
    return call


def statuses(responses) -> Counter:
    return Counter(r.status_code for r in responses)


def assert_conflicts_named(responses, status=409):
    """Every loser answers SPEC §8's conflict JSON."""
    for r in responses:
        if r.status_code == status:
            body = r.get_json()
            assert body["error"]["code"] == "conflict" and body["error"]["message"], body
