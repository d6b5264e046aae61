"""Limits on anonymous use (SPEC §5.5–§5.6), counted per client address (the one the trusted proxy
reports) and, so that residents of one community on one network can each reach their representative,
per thing written to:

- an appeal through a 代表码: per address **and code** (PUBLIC_APPEAL_RATE_LIMIT, default 30 per hour),
  under a ceiling per address across all codes (PUBLIC_APPEAL_ADDRESS_LIMIT; empty: ten times the
  per-code limit), so trying many codes from one address gains nothing;
- an objection during 公示: per address and assessment (PUBLIC_APPEAL_RATE_LIMIT);
- looking receipts up (/track and the public API): per address (RECEIPT_LOOKUP_RATE_LIMIT): a
  receipt's entropy already defeats guessing; the limit keeps one address from trying anyway.

Pages and the API share one bucket per kind, so switching from the form to the API gains nothing.
"""
from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import parse_many

from extensions import limiter

DEFAULT_PUBLIC_LIMIT = "30 per hour"
#: The per-address ceiling of appeals is this many times the per-code limit (SPEC §5.5).
CEILING_FACTOR = 10
#: Longer codes or ids in a key are cut (they are 404 anyway; the key stays small).
KEY_PART_MAX = 64


def public_limit() -> str:
    """PUBLIC_APPEAL_RATE_LIMIT (default "30 per hour"): per address and code, or per address and
    assessment."""
    return current_app.config.get("PUBLIC_APPEAL_RATE_LIMIT") or DEFAULT_PUBLIC_LIMIT


def times(limit: str, factor: int) -> str:
    """`limit` with every amount multiplied by `factor` ("30 per hour;100 per day", 10 →
    "300 per 1 hour;1000 per 1 day"). Raises ValueError for a string Flask-Limiter cannot read."""
    return ";".join(f"{item.amount * factor} per {item.multiples} {item.GRANULARITY.name}"
                    for item in parse_many(limit))


def address_ceiling() -> str:
    """PUBLIC_APPEAL_ADDRESS_LIMIT, or ten times PUBLIC_APPEAL_RATE_LIMIT: all appeals of one address."""
    return (current_app.config.get("PUBLIC_APPEAL_ADDRESS_LIMIT")
            or times(public_limit(), CEILING_FACTOR))


def _part(value) -> str:
    return str(value if value is not None else "")[:KEY_PART_MAX]


def address_and_code() -> str:
    """The bucket of an appeal: client address and the 代表码 of the URL (page and API alike)."""
    return f"{get_remote_address()}|{_part((request.view_args or {}).get('code'))}"


def address_and_assessment() -> str:
    """The bucket of an objection: client address and the assessment (URL of the API, field
    `assessment_id` of the page form; anything not a number counts as one bucket)."""
    assessment = (request.view_args or {}).get("assessment_id")
    if assessment is None:
        assessment = request.form.get("assessment_id", "").strip()
    return f"{get_remote_address()}|{_part(assessment if str(assessment).isdigit() else '?')}"


_per_code = limiter.shared_limit(public_limit, scope="public_appeal_code",
                                 key_func=address_and_code, methods=["POST"])
_per_address = limiter.shared_limit(address_ceiling, scope="public_appeal_address",
                                    methods=["POST"])


def appeal_limit(view):
    """Decorator for the POST of a public appeal (page and API): per address and code, and the
    per-address ceiling across codes."""
    return _per_address(_per_code(view))


#: Decorator for the POST of an objection (page and API alike): per address and assessment.
objection_limit = limiter.shared_limit(public_limit, scope="public_objection",
                                       key_func=address_and_assessment, methods=["POST"])


def receipt_lookup_limit() -> str:
    """RECEIPT_LOOKUP_RATE_LIMIT (default "60 per hour": a resident checks a few times a day)."""
    return current_app.config.get("RECEIPT_LOOKUP_RATE_LIMIT") or "60 per hour"


#: Decorator for every look-up of a receipt (page form, receipt page, API), one bucket per address.
receipt_limit = limiter.shared_limit(receipt_lookup_limit, scope="receipt_lookup")
