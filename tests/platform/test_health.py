"""GET /healthz and 503 while the database or Redis cannot be reached (issue 10 item 7, SPEC §8).

The database test is real: the app reaches PostgreSQL through a small TCP proxy that the test cuts
and restores (the shared PostgreSQL server itself is never stopped).
"""
import os

import pytest
import sqlalchemy as sa

from extensions import db as _db
from tests.conftest import _database_url, make_app
from tests.support import factories as f
from tests.support.tcp_proxy import TcpProxy

REDIS_DB = "redis://127.0.0.1:6379/1"
NO_REDIS = "redis://127.0.0.1:5198/1"  # nothing listens there (this helper's port range)


def test_healthz_ok_without_redis(client, db):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.is_json
    assert resp.get_json() == {"status": "ok", "database": "ok", "redis": "not_configured"}
    assert "Set-Cookie" not in resp.headers


def test_healthz_ok_with_redis(db):
    resp = make_app(RATELIMIT_STORAGE_URI=REDIS_DB).test_client().get("/healthz")
    assert resp.status_code == 200
    assert resp.get_json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_names_redis_when_it_fails(db):
    resp = make_app(RATELIMIT_STORAGE_URI=NO_REDIS).test_client().get("/healthz")
    assert resp.status_code == 503 and resp.is_json
    assert resp.get_json() == {"status": "unavailable", "database": "ok", "redis": "unavailable",
                               "failed": ["redis"]}


def test_redis_down_makes_the_login_limit_answer_503_not_500(db, world):
    from extensions import limiter
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=NO_REDIS)
    try:
        client = app.test_client()
        page = client.post("/login", data={"username": "rep_a", "password": "x" * 12})
        assert page.status_code == 503 and "服务暂时不可用" in page.get_data(as_text=True)
        api = client.post("/api/v1/tokens", json={"username": "rep_a", "password": "x" * 12})
        assert api.status_code == 503
        assert api.get_json()["error"]["code"] == "service_unavailable"
    finally:
        limiter.enabled = False  # nothing was stored: Redis was never reached


def _postgres_url():
    """The test database of this process (this xdist worker's own, derived from TEST_DATABASE_URL)."""
    url = _database_url() if os.environ.get("TEST_DATABASE_URL") else ""
    assert url.startswith("postgresql"), (
        "this test needs PostgreSQL: set TEST_DATABASE_URL (the SQLite pass runs -m 'not postgres')")
    return sa.engine.make_url(url)


@pytest.fixture()
def proxied(db, world):
    """An app that reaches the test database through a TCP proxy the test can cut."""
    url = _postgres_url()
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    app = make_app(SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=proxy.port)
                   .render_as_string(hide_password=False))
    try:
        yield app, proxy
    finally:
        proxy.restore() if proxy._listener is None else None
        with app.app_context():
            _db.session.remove()
            _db.engine.dispose()
        proxy.close()


@pytest.mark.postgres
def test_database_cut_and_restored(proxied):
    app, proxy = proxied
    browser = app.test_client()
    assert browser.post("/login", data={"username": "rep_a", "password": f.PASSWORD}).status_code == 302
    token = app.test_client().post("/api/v1/tokens", json={
        "username": "rep_a", "password": f.PASSWORD}).get_json()["token"]
    api = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}

    assert browser.get("/healthz").status_code == 200
    assert browser.get("/account/").status_code == 200
    assert api.get("/api/v1/me", headers=bearer).status_code == 200

    proxy.cut()
    health = browser.get("/healthz")
    assert health.status_code == 503 and health.is_json
    assert health.get_json() == {"status": "unavailable", "database": "unavailable",
                                 "redis": "not_configured", "failed": ["database"]}
    page = browser.get("/account/")
    html = page.get_data(as_text=True)
    assert page.status_code == 503 and "服务暂时不可用" in html and "数据库" in html
    assert page.headers["Retry-After"] == "30"
    answer = api.get("/api/v1/me", headers=bearer)
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "service_unavailable"
    assert answer.get_json()["error"]["message"]
    # Anonymous pages that need the database answer 503 too, never a 500.
    assert app.test_client().post("/login", data={"username": "rep_a",
                                                  "password": f.PASSWORD}).status_code == 503

    proxy.restore()  # recovery without a restart (pool_pre_ping replaces the dead connections)
    assert browser.get("/healthz").get_json() == {"status": "ok", "database": "ok",
                                                  "redis": "not_configured"}
    assert browser.get("/account/").status_code == 200
    assert api.get("/api/v1/me", headers=bearer).status_code == 200


def test_healthz_is_one_statement(client, db, statement_counter):
    with statement_counter() as statements:
        resp = client.get("/healthz")
    assert resp.status_code == 200 and len(statements) == 1
