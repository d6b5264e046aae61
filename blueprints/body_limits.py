"""Bodies are bounded before they are read (SPEC §10), by route, ahead of every other check.

- every route takes a body of at most BODY_MAX_BYTES (default 1 MB: the largest form or JSON
  body a person can type is far below it);
- the upload routes, marked with `@accepts_upload(max_bytes)`, take what their files need:
  attachments ≤ 10 files × 10 MB plus the form (SPEC §3), an import ≤ 5 MB plus the form (§5.8);
- a declared Content-Length over the limit answers 413 before a byte is read; a body without one
  (chunked) is cut off at the limit while it is read (werkzeug's per-request max_content_length);
- a URL that matches no route never has its body read (blueprints/input_guard skips it).

413 is the SPEC §8 error JSON `payload_too_large` under /api/, the Chinese error page elsewhere.
"""
from flask import current_app, request

from services.errors import ServiceError

FORM_ALLOWANCE = 1024 * 1024  # the other fields of an upload form, beside its files


class BodyTooLarge(ServiceError):
    """A request body over its route's limit: 413 `payload_too_large`, naming `body`."""

    status = 413
    code = "payload_too_large"

    def __init__(self, limit: int):
        message = f"请求内容过大，不能超过{_size(limit)}"
        super().__init__(message, {"body": [message]})


def _size(limit: int) -> str:
    mb = limit / (1024 * 1024)
    return f"{mb:g} MB" if mb >= 1 else f"{limit // 1024} KB"


def accepts_upload(max_bytes: int):
    """Mark a view as an upload route taking a body of up to `max_bytes` (files and form)."""
    def mark(view):
        view.max_body_bytes = max_bytes
        return view
    return mark


def limit_for_request() -> int:
    """The body limit of the matched route (BODY_MAX_BYTES unless marked; the same for no route)."""
    default = int(current_app.config["BODY_MAX_BYTES"])
    if request.url_rule is None:
        return default
    view = current_app.view_functions.get(request.endpoint)
    return int(getattr(view, "max_body_bytes", default))


def check_body_size() -> None:
    """before_request, first of all: refuse a declared length over the limit (413) and make every
    later read of the body stop at it."""
    limit = limit_for_request()
    request.max_content_length = limit
    length = request.content_length
    if length is not None and length > limit:
        raise BodyTooLarge(limit)


def register(app) -> None:
    """Run the size check before every other before_request function (CSRF, limits, the gate)."""
    app.before_request_funcs.setdefault(None, []).insert(0, check_body_size)
