"""Bounded waits on PostgreSQL: a slow or hung database answers an error within DATABASE_TIMEOUT_SECONDS.

A server that accepts TCP and then says nothing (a hung host, a stopped process, a broken
middlebox) never enforces its own `statement_timeout`, and the kernel acknowledges what we send,
so keepalives and `tcp_user_timeout` do not fire either. The only thing that always holds is a
deadline kept by the client: every wait of a connection on the server (a statement, a commit, a
rollback, the pool's pre-ping) is bounded by `DeadlineConnection.wait`, which closes the
connection when the deadline passes and raises psycopg's OperationalError (SQLAlchemy then drops
the connection from the pool and blueprints/errors/unavailable.py answers 503).

One missed deadline is enough for a request: for `seconds` after it, every further wait and every
new connection of the same request (app context; a thread outside one) fails at once instead of
spending another deadline — the pool's reconnection after a timed-out pre-ping, a rollback, a
second statement. So a request that meets a hung database answers within about one deadline of
the hang, and the next request (or the same job a deadline later) tries the server again.

The server-side settings stay useful when the server is alive but slow: `statement_timeout`
(a little under the deadline, so a slow query is cancelled cleanly and its connection kept),
`connect_timeout` for the whole connection set-up, TCP keepalives and `tcp_user_timeout` for a
peer that vanished. A setting of 0 turns all of this off (e.g. for a long `flask db upgrade`).
"""
import math
import threading
import time

import sqlalchemy as sa
from flask import g, has_app_context

#: The share of the deadline given to the server's own statement_timeout.
SERVER_SHARE = 0.9


def engine_options(uri: str, seconds: float, options: dict | None = None) -> dict:
    """SQLAlchemy engine options for `uri` bounded by `seconds`, merged over `options` (not changed).

    PostgreSQL only (other databases get `options` back as they are): connect_timeout (libpq's
    minimum is 2 s), keepalives, tcp_user_timeout, statement_timeout, and the pool's wait for a
    free connection. Values the caller already gave win over these.
    """
    merged = dict(options or {})
    if not seconds or seconds <= 0 or not str(uri).startswith("postgresql"):
        return merged
    connect = dict(merged.get("connect_args") or {})
    statement_ms = max(100, int(seconds * 1000 * SERVER_SHARE))
    defaults = {
        "connect_timeout": max(2, math.ceil(seconds)),
        "keepalives": 1,
        "keepalives_idle": max(1, math.ceil(seconds)),
        "keepalives_interval": max(1, math.ceil(seconds / 3)),
        "keepalives_count": 3,
        "tcp_user_timeout": int(seconds * 1000),
        "options": f"-c statement_timeout={statement_ms}",
    }
    for key, value in defaults.items():
        connect.setdefault(key, value)
    merged["connect_args"] = connect
    merged.setdefault("pool_timeout", seconds)
    return merged


def install_deadline(engine, seconds: float) -> None:
    """Make every psycopg connection `engine` opens wait at most `seconds` for the server.

    Does nothing for other dialects or when `seconds` is 0.
    """
    if not seconds or seconds <= 0 or engine.dialect.driver != "psycopg":
        return
    connection_class = deadline_connection_class(seconds)

    @sa.event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        return connection_class.connect(*cargs, **cparams)


_outside_context = threading.local()


def _missed_store():
    """Where the time of this request's last missed deadline is kept: `g`, or the thread outside one."""
    return g if has_app_context() else _outside_context


def note_missed_deadline() -> None:
    """Remember that the database just missed a deadline in this request (or thread)."""
    _missed_store()._rephome_db_missed_at = time.monotonic()


def recently_missed(seconds: float) -> bool:
    """True while fewer than `seconds` have passed since this request (or thread) missed a deadline."""
    missed_at = getattr(_missed_store(), "_rephome_db_missed_at", None)
    return missed_at is not None and time.monotonic() - missed_at < seconds


def deadline_connection_class(seconds: float):
    """A psycopg Connection class whose waits on the server end after `seconds` (OperationalError).

    After one missed deadline, further waits and connections of the same request fail at once
    for `seconds` (see the module's docstring).
    """
    import psycopg

    class DeadlineConnection(psycopg.Connection):
        """psycopg's Connection with a client-side deadline on every wait for the server."""

        deadline_seconds = float(seconds)

        @classmethod
        def connect(cls, *args, **kwargs):
            if recently_missed(cls.deadline_seconds):
                raise psycopg.OperationalError(
                    "the database missed its deadline in this request: not reconnecting")
            try:
                return super().connect(*args, **kwargs)
            except psycopg.errors.ConnectionTimeout:
                note_missed_deadline()
                raise

        def wait(self, gen, *args, timeout=None, **kwargs):
            if recently_missed(self.deadline_seconds):
                self.pgconn.finish()
                raise psycopg.OperationalError(
                    "the database missed its deadline in this request: not waiting again")
            limit = self.deadline_seconds if timeout is None else min(timeout, self.deadline_seconds)
            try:
                return super().wait(gen, *args, timeout=limit, **kwargs)
            except psycopg.errors._WaitTimeout:
                # The connection is in an unknown state (a reply may still come): never reuse it.
                self.pgconn.finish()
                note_missed_deadline()
                raise psycopg.OperationalError(
                    f"the database did not answer within {self.deadline_seconds:g} s") from None

    return DeadlineConnection
