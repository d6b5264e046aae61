"""Health of what the app depends on: the database and, when configured, Redis (GET /healthz).

Each check answers "ok", "unavailable" or (Redis only) "not_configured", quickly and without
raising, so a load balancer always gets JSON.
"""
import contextlib

import sqlalchemy as sa
from flask import current_app

from extensions import db

REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://", "redis+sentinel://",
                 "redis+cluster://", "valkey://", "valkeys://")
#: Seconds a Redis probe may take before it counts as unavailable.
REDIS_TIMEOUT = 2


def database() -> str:
    """"ok" when a SELECT 1 succeeds, else "unavailable" (the session is left clean)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        db.session.rollback()
        return "ok"
    except Exception:  # any failure to reach the database is "unavailable"
        current_app.logger.warning("health: database unavailable", exc_info=True)
        with contextlib.suppress(Exception):  # the connection itself may be gone
            db.session.rollback()
        db.session.remove()
        return "unavailable"


def redis_uri() -> str | None:
    """The Redis the app uses (the rate-limit storage), or None when it uses none."""
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    return uri if uri.startswith(REDIS_SCHEMES) else None


def redis() -> str:
    """"not_configured" without Redis, else "ok" when it answers PING, else "unavailable"."""
    uri = redis_uri()
    if uri is None:
        return "not_configured"
    cache = current_app.extensions.setdefault("rephome_health", {})
    storage = cache.get(uri)
    if storage is None:
        from limits.storage import storage_from_string
        try:
            storage = storage_from_string(uri, socket_timeout=REDIS_TIMEOUT,
                                          socket_connect_timeout=REDIS_TIMEOUT)
        except Exception:
            current_app.logger.warning("health: redis unusable", exc_info=True)
            return "unavailable"
        cache[uri] = storage
    return "ok" if storage.check() else "unavailable"


def report() -> tuple[dict, int]:
    """The /healthz body and status: 200 when every part is reachable, else 503 naming it."""
    parts = {"database": database(), "redis": redis()}
    failed = [name for name, state in parts.items() if state == "unavailable"]
    if failed:
        return {"status": "unavailable", **parts, "failed": failed}, 503
    return {"status": "ok", **parts}, 200
