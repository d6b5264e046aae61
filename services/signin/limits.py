"""The sign-in limit (SPEC §5.9): SIGNIN_RATE_LIMIT (default "120 per hour") per client address
**and code**: a hall of people behind one network address can all sign in to its activity, and a
second activity on the same network has its own bucket. Page and API share the bucket.

Codes themselves are not guessable (services/signin/opening.py), so the per-code key gives a
prober nothing to gain.
"""
from flask import current_app, request
from flask_limiter.util import get_remote_address

from extensions import limiter

DEFAULT = "120 per hour"


def signin_limit_value() -> str:
    """SIGNIN_RATE_LIMIT, or the default."""
    return current_app.config.get("SIGNIN_RATE_LIMIT") or DEFAULT


def address_and_code() -> str:
    """The bucket key: the client's address (after the trusted proxy) and the code as typed."""
    code = str((request.view_args or {}).get("code", ""))[:32].upper()
    return f"{get_remote_address()}|{code}"


#: Decorator for the POST of a sign-in (the /s/{code} page and POST /public/signin/{code}).
signin_limit = limiter.shared_limit(signin_limit_value, scope="signin", key_func=address_and_code,
                                    methods=["POST"])
