"""Fixtures shared by every room: one app per test process on a throw-away database, a clean
database per test.

The database is TEST_DATABASE_URL (PostgreSQL in CI's second pass) or a temporary SQLite file. Under
pytest-xdist every worker has its own: a SQLite file in the worker's own temporary folder, or a
PostgreSQL database named after TEST_DATABASE_URL's plus the worker (`…/test` → `…/test_gw0`),
created when missing (tests/support/workers.py).
"""
import os
import shutil
import tempfile
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from app import create_app
from config import TestingConfig
from extensions import db as _db
from tests.support import factories, workers

_TMP = tempfile.mkdtemp(prefix=f"rephome-tests-{workers.worker_id() or 'main'}-")


def pytest_unconfigure(config):
    """The process's temporary folder (SQLite files, uploads) goes when the process ends, and the
    workers' lock files with the run's controller."""
    shutil.rmtree(_TMP, ignore_errors=True)
    if not workers.worker_id():
        workers.remove_locks()


def _database_url():
    """This process's test database (per xdist worker: see the module's docstring)."""
    base = os.environ.get("TEST_DATABASE_URL")
    return workers.database_url(base) if base else f"sqlite:///{_TMP}/test.db"


class FreshContextClient(FlaskClient):
    """Each request runs in its own app context, as in production (no `g` or session leaks).

    The test's own session is committed before the request, so the request sees the test's data,
    and expired after it, so the test sees what the request changed.
    """

    def open(self, *args, **kwargs):
        from flask import has_app_context
        outer = has_app_context()
        if outer:
            _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer:
            _db.session.expire_all()
        return response


def make_app(**overrides):
    """A testing app on the test database, with overrides (e.g. CSRF or rate limits on)."""
    cfg = {"SQLALCHEMY_DATABASE_URI": _database_url(), "UPLOAD_DIR": os.path.join(_TMP, "uploads")}
    cfg.update(overrides)

    class _Config(TestingConfig):
        pass

    for key, value in cfg.items():
        setattr(_Config, key, value)
    app = create_app(_Config)
    app.test_client_class = FreshContextClient
    return app


@pytest.fixture(scope="session")
def app():
    app = make_app()
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _wipe():
    """Delete every row, children first, so the next test starts clean.

    On PostgreSQL the audit log's trigger refuses TRUNCATE (SPEC §5.13); the wipe runs with
    session_replication_role = replica, which is what lets an operator's superuser (and only that)
    skip ordinary triggers.
    """
    _db.session.remove()
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            names = ", ".join(f'"{t.name}"' for t in _db.metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(_db.metadata.sorted_tables):
                conn.execute(table.delete())


@pytest.fixture(autouse=True)
def totp_clock(monkeypatch):
    """TOTP reads the test's clock (factories.clock), fresh for each test."""
    from services import accounts
    factories.clock = factories.TotpClock()
    monkeypatch.setattr(accounts.totp_clock, "now", lambda: factories.clock.now())
    return factories.clock


def token_body(user, password=None) -> dict:
    """The POST /tokens body for `user`: their password and, with a second factor, a fresh code."""
    body = {"username": user.username, "password": password or factories.PASSWORD}
    if user.otp_secret and user.otp_confirmed_at:
        body["otp"] = factories.otp(user.otp_secret)
    return body


def login_form(client, user, password=None, **form):
    """Log `client` in through the login page (and the code page when the user has a factor);
    answers the last response."""
    resp = client.post("/login", data={"username": user.username,
                                       "password": password or factories.PASSWORD, **form})
    if resp.status_code == 302 and "/login/code" in resp.headers.get("Location", ""):
        resp = client.post("/login/code", data={"otp": factories.otp(user.otp_secret)})
    return resp


@pytest.fixture()
def db(app):
    """The database, clean at the start of the test, inside an app context."""
    with app.app_context():
        _wipe()
        yield _db
        _db.session.rollback()
    with app.app_context():
        _wipe()


@pytest.fixture()
def client(app, db):
    return app.test_client()


@pytest.fixture()
def world(db):
    """Two Homes with a manager and two representatives each, plus a provincial admin."""
    return factories.world()


@contextmanager
def count_statements(engine=None):
    """Count the SQL statements executed inside the block (for N+1 guards)."""
    engine = engine or _db.engine
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


@pytest.fixture()
def statement_counter(db):
    return count_statements


class Api:
    """A small client for the JSON API that carries a bearer token."""

    def __init__(self, client, token=None):
        self.client = client
        self.token = token

    def _headers(self, headers=None):
        out = dict(headers or {})
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        return out

    def get(self, path, **kw):
        return self.client.get("/api/v1" + path, headers=self._headers(kw.pop("headers", None)), **kw)

    def post(self, path, json=None, **kw):
        return self.client.post("/api/v1" + path, json=json,
                                headers=self._headers(kw.pop("headers", None)), **kw)

    def patch(self, path, json=None, **kw):
        return self.client.patch("/api/v1" + path, json=json,
                                 headers=self._headers(kw.pop("headers", None)), **kw)

    def put(self, path, json=None, **kw):
        return self.client.put("/api/v1" + path, json=json,
                               headers=self._headers(kw.pop("headers", None)), **kw)

    def delete(self, path, **kw):
        return self.client.delete("/api/v1" + path, headers=self._headers(kw.pop("headers", None)),
                                  **kw)


@contextmanager
def largest_bind_list(engine=None):
    """Record the most bound parameters any one statement in the block carried (a row of an
    executemany counts once): {"max": n, "statement": sql}. A statement whose parameters grow with
    the data (`IN (…)` of every id) shows here long before the driver's 65,535 limit."""
    engine = engine or _db.engine
    seen = {"max": 0, "statement": ""}

    def before(conn, cursor, statement, parameters, context, executemany):
        one = parameters
        if (executemany and isinstance(parameters, (list, tuple)) and parameters
                and isinstance(parameters[0], (list, tuple, dict))):
            one = parameters[0]
        size = len(one) if isinstance(one, (list, tuple, dict)) else 0
        style = getattr(context, "execute_style", None)
        if style is not None and style.name == "INSERTMANYVALUES" and context.compiled_parameters:
            # rows batched into one INSERT … VALUES (…), (…): a page of rows, each counted once
            size = len(context.compiled_parameters[0])
        if size > seen["max"]:
            seen.update(max=size, statement=statement[:300])

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


@pytest.fixture()
def api(client):
    """api(user) → an API client authenticated as `user` (None for anonymous)."""
    tokens = {}  # one token per user per test

    def make(user=None):
        if user is None:
            return Api(client)
        if user.id not in tokens:
            resp = client.post("/api/v1/tokens", json=token_body(user))
            assert resp.status_code == 201, resp.get_json()
            tokens[user.id] = resp.get_json()["token"]
        return Api(client, tokens[user.id])
    return make


@pytest.fixture()
def login(client):
    """login(user) signs the test client in through the login page."""
    def do(user):
        client.post("/logout")
        resp = login_form(client, user)
        assert resp.status_code == 302, resp.get_data(as_text=True)[:500]
        return client
    return do


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server (SeaweedFS) on 127.0.0.1, started once for the session."""
    from tests.support.s3server import running

    with running() as server:
        yield server


@pytest.fixture
def year_over(monkeypatch):
    """The day of the action is 5 January 2027: the 2026 assessment year is over, so its results
    may be published (SPEC §5.4)."""
    from datetime import date
    monkeypatch.setattr("services.clock.today", lambda: date(2027, 1, 5))
    return date(2027, 1, 5)
