"""What each pytest-xdist worker uses alone (tests/support/workers.py): its database, its share of the
test ports and its Redis key prefix; a plain run keeps TEST_DATABASE_URL and the whole range; what
must not run twice at once waits for the other worker."""
import os
import threading

import pytest
import sqlalchemy as sa

from tests.support import workers


@pytest.fixture()
def as_worker(monkeypatch):
    """as_worker("gw1", 2) makes this process look like xdist's worker gw1 of two; None: a plain run."""
    def become(wid, count=2):
        if wid is None:
            monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
            monkeypatch.delenv("PYTEST_XDIST_WORKER_COUNT", raising=False)
        else:
            monkeypatch.setenv("PYTEST_XDIST_WORKER", wid)
            monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", str(count))
    return become


def test_a_plain_run_uses_the_database_as_given(as_worker):
    as_worker(None)
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert workers.database_url(url) == url  # nothing is created either


def test_each_worker_has_its_own_sqlite_file(as_worker):
    as_worker("gw1")
    assert workers.database_url("sqlite:////tmp/rephome/test.db") == "sqlite:////tmp/rephome/test_gw1.db"
    as_worker("gw0")
    assert workers.database_url("sqlite:////tmp/rephome/test.db") == "sqlite:////tmp/rephome/test_gw0.db"


def test_workers_share_the_ports_out_without_overlap(as_worker, monkeypatch):
    monkeypatch.setenv("TEST_PORTS", "5200-5299")
    as_worker(None)
    assert workers.port_slice(*workers.test_ports()) == range(5200, 5300)
    as_worker("gw0", 2)
    first = workers.port_slice(*workers.test_ports())
    as_worker("gw1", 2)
    second = workers.port_slice(*workers.test_ports())
    assert first == range(5200, 5250) and second == range(5250, 5300)
    assert all(port in second for port in workers.free_ports(3))


def test_key_prefix_names_the_worker_and_the_process(as_worker):
    as_worker("gw1")
    assert workers.key_prefix() == f"rephome-tests-gw1-{os.getpid()}-"


def test_one_at_a_time_makes_the_other_worker_wait(as_worker, monkeypatch, tmp_path):
    monkeypatch.setattr(workers.tempfile, "gettempdir", lambda: str(tmp_path))
    as_worker("gw0")
    order = []

    def other_worker():
        with workers.one_at_a_time("test"):
            order.append("second")

    with workers.one_at_a_time("test"):
        thread = threading.Thread(target=other_worker)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting for the lock
        order.append("first")
    thread.join(10)
    assert order == ["first", "second"]


@pytest.mark.postgres
def test_this_workers_postgresql_database_is_its_own(db):
    base = sa.engine.make_url(os.environ["TEST_DATABASE_URL"]).database
    expected = f"{base}_{workers.worker_id()}" if workers.worker_id() else base
    assert db.engine.url.database == expected
    assert db.session.scalar(sa.text("SELECT current_database()")) == expected
