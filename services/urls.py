"""Absolute URLs for what is read away from the page that made it (SPEC §10 "Behind a proxy on any port").

Printed things (代表码 cards, sign-in posters, survey QR codes), mail, webhook messages and the credentials
workbook carry `PUBLIC_BASE_URL` (for example `https://rephome.example.gov.cn:8443/rephome`: scheme, host,
optional port and path prefix) when it is set: an intranet address on a poster reaches no resident. Without it
they use the address of the current request (scheme, host and port as the trusted proxy reported them), and
outside a request `http://localhost`.
"""
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

__all__ = ["public_url", "public_base"]


def public_base() -> tuple[str, str, str]:
    """(scheme, netloc, path prefix) that absolute links start with; the prefix has no trailing slash."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if base:
        parts = urlsplit(base)
        return parts.scheme or "https", parts.netloc, parts.path.rstrip("/")
    if has_request_context():
        return request.scheme, request.host, request.script_root.rstrip("/")
    return "http", "localhost", ""


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` with `values` (as `url_for`), on the public base above.

    Works inside and outside a request (jobs, CLI). Raises werkzeug's BuildError for an unknown
    endpoint or missing values, as `url_for` does.
    """
    scheme, netloc, prefix = public_base()
    adapter = current_app.url_map.bind(netloc, script_name=prefix or "/", url_scheme=scheme)
    return adapter.build(endpoint, values, force_external=True)
