"""The error handlers: a refusal, an HTTP error, a database constraint or a bug, each answered with
the Chinese page or the SPEC §8 JSON (blueprints.errors.responses builds both)."""
from flask import request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from blueprints.errors.lost_token import rate_limited_rescue, same_origin
from blueprints.errors.pending import merged
from blueprints.errors.responses import MESSAGES, api_error, error_page, is_api_request
from extensions import db
from services.constraints import conflict_for
from services.errors import ServiceError


def register(app) -> None:
    """Answer ServiceError, HTTPException, IntegrityError and any other exception."""

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        if error.keep_changes:  # a counted login failure stays counted
            db.session.commit()
        else:
            db.session.rollback()
        if is_api_request():
            fields = error.fields
            if error.status == 422:  # the schema's type errors wait for the service's (pending.py)
                fields = merged(fields)
            return api_error(error.status, error.message or None, fields, error.code)
        return error_page(error.status, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            fields = None
            data = getattr(error, "data", None)
            if isinstance(data, dict) and "messages" in data:
                fields = _flatten_webargs(data["messages"])
            if error.code == 400 and fields is None:
                fields = {"body": ["请求体不是合法的 JSON"]}
            response = api_error(error.code or 500, None, fields)
        elif error.code == 429 and request.method == "POST" and same_origin():
            response = app.make_response(rate_limited_rescue())  # what was typed, to post later
        else:
            response = error_page(error.code or 500,
                                  None if error.code in MESSAGES else error.description)[0]
            response = app.make_response(response)
            response.status_code = error.code or 500
        if getattr(error, "valid_methods", None):  # 405 tells what the resource does allow
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        if app.config.get("TESTING") and app.config.get("PROPAGATE_TEST_ERRORS", True):
            raise error
        if is_api_request():
            return api_error(500)
        return error_page(500)

    @app.errorhandler(IntegrityError)
    def integrity_error(error: IntegrityError):
        """The database's constraints have the last word: a unique (or foreign-key) violation is a
        409 naming the field, with the request's transaction rolled back; the rest stay 500."""
        db.session.rollback()
        conflict = conflict_for(error)
        if conflict is None:
            return unhandled(error)
        return service_error(conflict)


def _flatten_webargs(messages: dict) -> dict:
    """webargs nests messages by location ({"json": {"field": [...]}}): keep field → messages."""
    fields = {}
    for _location, per_field in messages.items():
        if isinstance(per_field, dict):
            for field, msgs in per_field.items():
                if isinstance(msgs, dict):  # nested (lists of objects): keep the first level
                    msgs = [str(m) for m in msgs.values()]
                name = "body" if field == "_schema" else field
                fields.setdefault(name, []).extend(msgs if isinstance(msgs, list) else [str(msgs)])
        else:
            # A message for the whole location (e.g. unparseable JSON) names the body.
            fields.setdefault("body", []).append("请求体不是合法的 JSON")
    return fields
