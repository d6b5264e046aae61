"""A slow or hung database answers 503 within DATABASE_TIMEOUT_SECONDS (SPEC §10).

The hung case is real: the app reaches PostgreSQL through tests/support/tcp_proxy.py, which is switched to
"accept, never forward" (TCP stays open, no byte comes back), the fault a server-side
statement_timeout cannot catch. Each request runs in a thread so that a missing deadline fails the
test instead of hanging it.
"""
import threading
import time

import pytest
import sqlalchemy as sa

from extensions import db as _db
from extensions.database import engine_options
from tests.conftest import _database_url, make_app
from tests.support import factories as f
from tests.support.tcp_proxy import TcpProxy

SETTING = 2  # seconds: the shortest useful value (libpq's connect_timeout minimum is 2 s)
#: One deadline and a small margin: a missed deadline ends the request (no second wait, no reconnection).
BOUND = SETTING + 1.0

PG = "postgresql+psycopg://u@db.example:5432/x"


def test_engine_options_bound_every_wait_on_postgresql():
    options = engine_options(PG, 10, {"pool_pre_ping": True})
    args = options["connect_args"]
    assert options["pool_pre_ping"] is True and options["pool_timeout"] == 10
    assert args["connect_timeout"] == 10 and args["keepalives"] == 1
    assert args["keepalives_idle"] == 10 and args["keepalives_count"] == 3
    assert args["tcp_user_timeout"] == 10_000
    assert args["options"] == "-c statement_timeout=9000"


def test_engine_options_keep_what_the_caller_gave_and_leave_sqlite_alone():
    given = {"pool_size": 3, "connect_args": {"connect_timeout": 30}}
    options = engine_options(PG, 1, given)
    assert options["pool_size"] == 3 and options["connect_args"]["connect_timeout"] == 30
    assert options["connect_args"]["options"] == "-c statement_timeout=900"
    assert given == {"pool_size": 3, "connect_args": {"connect_timeout": 30}}  # not changed
    assert engine_options("sqlite:///x.db", 10, {"pool_pre_ping": True}) == {"pool_pre_ping": True}
    assert engine_options(PG, 0, {"pool_pre_ping": True}) == {"pool_pre_ping": True}


def test_the_setting_reaches_the_engine(db):
    app = make_app(DATABASE_TIMEOUT_SECONDS=3)
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        assert options["connect_args"]["connect_timeout"] == 3
        with app.app_context():
            assert _db.session.execute(sa.text("SHOW statement_timeout")).scalar() == "2700ms"
    else:
        assert "connect_args" not in options


def _postgres_url():
    """This worker's PostgreSQL test database (under xdist each worker has its own)."""
    url = _database_url()
    assert url.startswith("postgresql"), (
        "this test needs PostgreSQL: set TEST_DATABASE_URL (the SQLite pass runs -m 'not postgres')")
    return sa.engine.make_url(url)


@pytest.fixture()
def hangable(db, world):
    """An app with a 2 s setting that reaches the test database through a proxy the test can hang."""
    url = _postgres_url()
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    app = make_app(DATABASE_TIMEOUT_SECONDS=SETTING,
                   SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=proxy.port)
                   .render_as_string(hide_password=False))
    try:
        yield app, proxy
    finally:
        proxy.cut()  # frees any request still waiting (there should be none)
        proxy.restore()
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        proxy.close()


def _timed(call):
    """(response, seconds) of call() run in a thread; (None, seconds) if it is still waiting at 15 s."""
    box = {}
    started = time.monotonic()
    worker = threading.Thread(target=lambda: box.update(response=call()), daemon=True)
    worker.start()
    worker.join(15)
    return box.get("response"), time.monotonic() - started


@pytest.mark.postgres
def test_a_hung_database_answers_503_within_the_setting(hangable):
    app, proxy = hangable
    browser = app.test_client()
    assert browser.post("/login", data={"username": "rep_a", "password": f.PASSWORD}).status_code == 302
    token = app.test_client().post("/api/v1/tokens", json={
        "username": "rep_a", "password": f.PASSWORD}).get_json()["token"]
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert browser.get("/account/").status_code == 200

    proxy.hang()
    page, seconds = _timed(lambda: browser.get("/account/"))
    assert page is not None, "the page still waited on the hung database after 15 s"
    assert page.status_code == 503 and "服务暂时不可用" in page.get_data(as_text=True)
    assert seconds < BOUND, seconds

    answer, seconds = _timed(lambda: api.get("/api/v1/me", headers=bearer))
    assert answer is not None, "the API still waited on the hung database after 15 s"
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "service_unavailable"
    assert seconds < BOUND, seconds

    health, seconds = _timed(lambda: browser.get("/healthz"))
    assert health is not None and health.status_code == 503
    assert health.get_json()["failed"] == ["database"]
    assert seconds < 3.0, seconds  # /healthz is time-boxed on its own (SPEC §10: within 3 s)

    proxy.restore()  # recovery without a restart
    assert browser.get("/account/").status_code == 200
    assert api.get("/api/v1/me", headers=bearer).status_code == 200


@pytest.mark.postgres
def test_a_hung_database_met_while_connecting_answers_within_the_setting(hangable):
    """No pooled connection: the new one's set-up hangs (connect_timeout), and nothing retries it."""
    app, proxy = hangable
    browser = app.test_client()
    assert browser.post("/login", data={"username": "rep_a", "password": f.PASSWORD}).status_code == 302
    with app.app_context():
        _db.engine.dispose()  # the next request must open a new connection
    proxy.hang()
    started = time.monotonic()
    pages = [_timed(lambda url=url: browser.get(url)) for url in ("/account/", "/")]
    for page, seconds in pages:
        assert page is not None and page.status_code == 503
        assert seconds < BOUND, seconds
    assert time.monotonic() - started < 2 * BOUND
    proxy.restore()
    assert browser.get("/account/").status_code == 200


def test_a_missed_deadline_ends_the_request_not_the_next_one():
    """After one missed deadline the same request fails at once; another context tries again."""
    from extensions.database import note_missed_deadline, recently_missed

    app = make_app()
    with app.test_request_context("/"):
        assert not recently_missed(2)
        note_missed_deadline()
        assert recently_missed(2) and not recently_missed(0)
    with app.test_request_context("/"):
        assert not recently_missed(2)
