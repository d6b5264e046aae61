"""Per-address limits on anonymous use (SPEC §5.5–§5.6): PUBLIC_APPEAL_RATE_LIMIT on writes,
RECEIPT_LOOKUP_RATE_LIMIT on looking receipts up (/track and the public API): a receipt's entropy
already defeats guessing; the limit keeps one address from trying anyway.

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


def receipt_lookup_limit() -> str:
    """RECEIPT_LOOKUP_RATE_LIMIT (default "60 per hour": a resident checks a few times a day)."""
    return current_app.config.get("RECEIPT_LOOKUP_RATE_LIMIT") or "60 per hour"


#: Decorator for every look-up of a receipt (page form, receipt page, API), one bucket per address.
receipt_limit = limiter.shared_limit(receipt_lookup_limit, scope="receipt_lookup")
