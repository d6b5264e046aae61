"""Bounded waits on PostgreSQL: a slow or hung database answers an error within DATABASE_TIMEOUT_SECONDS.

A server that accepts TCP and then says nothing (a hung host, a stopped process, a broken
middlebox) never enforces its own `statement_timeout`, and the kernel acknowledges what we send,
so keepalives and `tcp_user_timeout` do not fire either. The only thing that always holds is a
deadline kept by the client: every wait of a connection on the server (a statement, a commit, a
rollback, the pool's pre-ping) is bounded by `DeadlineConnection.wait`, which closes the
connection when the deadline passes and raises psycopg's OperationalError (SQLAlchemy then drops
the connection from the pool and blueprints/unavailable.py answers 503).

The server-side settings stay useful when the server is alive but slow: `statement_timeout`
(a little under the deadline, so a slow query is cancelled cleanly and its connection kept),
`connect_timeout` for the whole connection set-up, TCP keepalives and `tcp_user_timeout` for a
peer that vanished. A setting of 0 turns all of this off (e.g. for a long `flask db upgrade`).
"""
import math

import sqlalchemy as sa

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


def deadline_connection_class(seconds: float):
    """A psycopg Connection class whose waits on the server end after `seconds` (OperationalError)."""
    import psycopg

    class DeadlineConnection(psycopg.Connection):
        """psycopg's Connection with a client-side deadline on every wait for the server."""

        deadline_seconds = float(seconds)

        def wait(self, gen, *args, timeout=None, **kwargs):
            limit = self.deadline_seconds if timeout is None else min(timeout, self.deadline_seconds)
            try:
                return super().wait(gen, *args, timeout=limit, **kwargs)
            except psycopg.errors._WaitTimeout:
                # The connection is in an unknown state (a reply may still come): never reuse it.
                self.pgconn.finish()
                raise psycopg.OperationalError(
                    f"the database did not answer within {self.deadline_seconds:g} s") from None

    return DeadlineConnection
