"""The JSON API under /api/v1 (SPEC §8), documented from code by flask-smorest.

flask-smorest was chosen because it sits on plain Flask blueprints (no replacement app class as
APIFlask needs), reads the same marshmallow schemas it validates with to write the OpenAPI 3
document, and is actively maintained by the marshmallow-code organisation.
"""
from flask_smorest import Api

from blueprints.api import parser
from blueprints.api.schemas import ErrorSchema
from extensions import csrf

# Before any resource module declares its arguments: bodies are parsed with bounded integers.
parser.install()


class RepHomeApi(Api):
    """flask-smorest's Api, minus its error handlers: blueprints/errors/ answers SPEC §8 JSON,
    which ERROR_SCHEMA documents as the `Error` component of every error answer."""

    ERROR_SCHEMA = ErrorSchema
    # No catch-all `default` answer: each status an operation gives is listed (openapi.py).
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        return None


def init_api(app):
    """Create the Api for this app and register every resource module."""
    from blueprints.api import (
        activities,
        appeals,
        applications,
        assessments,
        audit,
        compliance,
        contacts,
        dashboard,
        homes,
        imports,
        me,
        needs,
        notifications,
        objections,
        public,
        records,
        rounds,
        security,
        signin,
        signin_public,
        subsidies,
        surveys,
        tokens,
        units,
        users,
        workers,
    )

    api = RepHomeApi()
    api.init_app(app, spec_kwargs={
        "info": {"description": "科协代表之家服务平台 JSON API（移动端）。先 POST /api/v1/tokens 取得令牌，"
                                "再以 Authorization: Bearer TOKEN 调用其他接口。"},
    })
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer"})
    for module in (tokens, me, units, users, rounds, homes, workers, contacts, compliance,
                   activities, appeals, applications, assessments, dashboard, notifications,
                   records, public, objections, imports, audit, security, signin, signin_public,
                   surveys, needs, subsidies):
        for blueprint in (getattr(module, "bp", None), getattr(module, "public_bp", None)):
            if blueprint is not None:
                api.register_blueprint(blueprint, url_prefix="/api/v1")
                csrf.exempt(blueprint)
    from blueprints.api.openapi import document_errors, refuse_pending

    document_errors(api)
    app.after_request(refuse_pending)
    app.extensions["rephome_api"] = api
