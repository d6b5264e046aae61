"""Health of what the app depends on: the database, the file store and, when configured, Redis (GET /healthz).

Each check answers "ok", "unavailable" or (Redis only) "not_configured", without raising, so a
load balancer always gets JSON. The checks run side by side, each in its own thread and app
context, and the answer waits at most CHECK_SECONDS for them: a check still running then (a hung
database, a stalled object store) counts as "unavailable" and finishes on its own deadline.
"""
import contextlib
import secrets
import threading
import time

import sqlalchemy as sa
from flask import current_app

from extensions import db

REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://", "redis+sentinel://",
                 "redis+cluster://", "valkey://", "valkeys://")
#: Seconds a Redis probe may take before it counts as unavailable.
REDIS_TIMEOUT = 2
#: Seconds /healthz waits for all its checks together (SPEC §10: it answers within 3 s).
CHECK_SECONDS = 2.5
#: Stored keys of the write probes (``flask storage check`` never calls them orphans).
PROBE_PREFIX = "rephome-health-probe-"  # services/storage_orphans.py skips it


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


def storage() -> str:
    """"ok" when the store takes a small probe file and deletes it again, else "unavailable"."""
    from services.storage import get_storage

    key = f"{PROBE_PREFIX}{secrets.token_hex(8)}.txt"
    try:
        store = get_storage()
        store.save(key, b"ok", content_type="text/plain")
        store.delete(key)
        return "ok"
    except Exception:  # full, read-only, unreachable, refused: all mean uploads would fail
        current_app.logger.warning("health: storage unavailable", exc_info=True)
        return "unavailable"


CHECKS = {"database": database, "storage": storage, "redis": redis}


def run_bounded(checks: dict, seconds: float) -> dict:
    """{name: state} of every check run side by side; one not done within `seconds` is "unavailable"."""
    app = current_app._get_current_object()
    states: dict = {}

    def run(name, check):
        with app.app_context():
            try:
                states[name] = check()
            except Exception:  # a check must never fail the answer
                app.logger.warning("health: %s check failed", name, exc_info=True)
                states[name] = "unavailable"

    threads = [threading.Thread(target=run, args=item, daemon=True, name=f"healthz-{item[0]}")
               for item in checks.items()]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + seconds
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: states.get(name, "unavailable") for name in checks}


def report() -> tuple[dict, int]:
    """The /healthz body and status: 200 when every part is reachable, else 503 naming it.

    The healthy body is {status, database, redis} (SPEC §8); `storage` appears only when the store
    cannot take a write, as "unavailable" and in `failed`.
    """
    parts = run_bounded(CHECKS, CHECK_SECONDS)
    if parts["storage"] == "ok":  # SPEC §8 pins the healthy body to {status, database, redis}
        del parts["storage"]
    failed = [name for name, state in parts.items() if state == "unavailable"]
    if failed:
        return {"status": "unavailable", **parts, "failed": failed}, 503
    return {"status": "ok", **parts}, 200
