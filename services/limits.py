"""Limits a service counts itself (not per route): one user's worker creations, one address's receipt
look-ups — wherever the action comes from (page or API), it draws on one bucket.

The limit strings are Flask-Limiter's (`"60 per hour;300 per day"`) from a setting; the counters live
in the limiter's storage (RATELIMIT_STORAGE_URI, Redis when several hosts serve), and nothing is
counted while RATELIMIT_ENABLED is off.
"""
from flask import current_app
from limits import parse_many

from extensions import limiter
from services.errors import RateLimited


def hit(setting: str, default: str, scope: str, key: str, message: str = "") -> None:
    """Count one use of `scope` by `key` against the limit in config[`setting`] (or `default`).

    Raises RateLimited (429) when any of the limit's windows is used up; nothing when limits are off.
    """
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True) or not limiter.enabled:
        return
    prefix = config.get("RATELIMIT_KEY_PREFIX") or ""
    for item in parse_many(config.get(setting) or default):
        if not limiter.limiter.hit(item, prefix, scope, key):
            raise RateLimited(message or "操作过于频繁，请稍后再试")
