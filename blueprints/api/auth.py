"""Bearer-token authentication for the API (never the session cookie)."""
from functools import wraps

from flask import g, request

from services.accounts import user_for_token
from services.errors import ServiceError


class Unauthorized(ServiceError):
    status = 401
    code = "unauthorized"

    def __init__(self, message="未登录或令牌无效"):
        super().__init__(message)


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def load_api_user():
    """The user of the request's bearer token, or None (cached on g)."""
    if "api_user" not in g:
        g.api_user = user_for_token(bearer_token() or "")
    return g.api_user


def token_required(view):
    """401 without a valid, unexpired token of an active user."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if load_api_user() is None:
            raise Unauthorized()
        return view(*args, **kwargs)
    return wrapped


def api_user():
    """The authenticated user of this API request."""
    return load_api_user()


SECURITY = [{"bearerAuth": []}]
