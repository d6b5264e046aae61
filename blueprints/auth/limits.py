"""The sign-in limits shared by the login, password-reset and API token views (SPEC §5.13).

- `login_limit`: LOGIN_RATE_LIMIT per client address, counted on failed attempts only (each view
  says what failed), so a training room behind one NAT can log in; the per-account lockout
  (services.accounts) replaces a per-username limit.
- `CEILING`: a generous limit on every sign-in POST of one address, successes included. Counted
  before the view, it also meets an unreachable limit store first (503, not an error after it).
"""
from flask import current_app

CEILING = "300 per minute"


def login_limit() -> str:
    """The limit of failed sign-in attempts per address, e.g. "10 per minute" (LOGIN_RATE_LIMIT)."""
    return current_app.config["LOGIN_RATE_LIMIT"]
