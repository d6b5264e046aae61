"""Field errors that wait for the service's own: an API schema keeps the messages of fields whose
type is wrong (`defer`), the view still runs, and the request ends in one 422 naming every bad
field — the service's refusal merged with them (`merged`, used by the error handlers), or the
pending ones alone (`raise_pending`, before anything is committed or answered)."""
from flask import g, has_request_context
from marshmallow import fields

from services.errors import ValidationFailed

_KEY = "rephome_pending_field_errors"


def defer(messages: dict) -> None:
    """Keep a schema's field messages for the end of the request."""
    pending = g.setdefault(_KEY, {})
    for field, msgs in messages.items():
        if isinstance(msgs, dict):  # a list's or nested object's messages: name the field
            msgs = [str(m) for sub in msgs.values()
                    for m in (sub if isinstance(sub, list) else [sub])]
        pending.setdefault(field, []).extend(msgs if isinstance(msgs, list) else [str(msgs)])


def pending() -> dict:
    """The field messages waiting in this request (none outside a request)."""
    return g.get(_KEY, {}) if has_request_context() else {}


def merged(fields_: dict) -> dict:
    """A service's field errors with the schema's pending ones (the schema's say what is wrong
    with the value itself, so they replace the service's "required" for a field it never got;
    for a missing field the service's own words are kept)."""
    out = dict(fields_ or {})
    required = fields.Field.default_error_messages["required"]
    for field, msgs in pending().items():
        if field in out and all(m == required for m in msgs):
            continue
        out[field] = msgs
    return out


def raise_pending() -> None:
    """422 naming every pending field (before anything is committed or answered)."""
    errors = pending()
    if errors:
        raise ValidationFailed(dict(errors))
