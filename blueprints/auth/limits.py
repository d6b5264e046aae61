"""The sign-in limits (LOGIN_RATE_LIMIT) shared by the login, password-reset and API token views:
per client address, and per username so that one account cannot be guessed at from many."""
from flask import current_app, request


def login_limit() -> str:
    """The limit of sign-in attempts, e.g. "10 per minute" (LOGIN_RATE_LIMIT)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def username_key() -> str:
    """The rate-limit key of the login form's username (lower case, trimmed)."""
    return "login:" + (request.form.get("username") or "").strip().lower()
