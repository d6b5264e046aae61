"""The per-address limit on anonymous writes (SPEC §5.5–§5.6): PUBLIC_APPEAL_RATE_LIMIT.

Pages and the API share one bucket per kind, so switching from the form to the API gains nothing.
"""
from flask import current_app

from extensions import limiter


def public_limit() -> str:
    """PUBLIC_APPEAL_RATE_LIMIT (default "10 per hour")."""
    return current_app.config.get("PUBLIC_APPEAL_RATE_LIMIT") or "10 per hour"


#: Decorators for the POST of a public appeal and of an objection (page and API alike).
appeal_limit = limiter.shared_limit(public_limit, scope="public_appeal", methods=["POST"])
objection_limit = limiter.shared_limit(public_limit, scope="public_objection", methods=["POST"])
