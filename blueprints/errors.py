"""Error handling: Chinese pages for people, the SPEC §8 error JSON for the API."""
from flask import jsonify, render_template, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from blueprints.lost_token import rate_limited_rescue, same_origin
from extensions import db
from services.constraints import conflict_for
from services.errors import ServiceError

_CODES = {400: "validation_error", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
          415: "validation_error", 422: "validation_error", 429: "rate_limited",
          500: "internal_error"}

_MESSAGES = {400: "请求有误", 401: "未登录或令牌无效", 403: "您没有执行此操作的权限",
             404: "对象不存在或您无权查看", 405: "不支持的请求方法", 409: "操作与当前状态冲突",
             413: "上传内容过大", 415: "请求体必须是 JSON", 422: "输入有误",
             429: "请求过于频繁，请稍后再试", 500: "服务器内部错误"}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, message: str | None = None, fields: dict | None = None,
              code: str | None = None):
    """The SPEC §8 error JSON: {"error": {"code", "message", "fields"}}."""
    if status == 400:  # unparseable input is a validation error in this API
        status = 422
    body = {"error": {"code": code or _CODES.get(status, "error"),
                      "message": message or _MESSAGES.get(status, "错误"),
                      "fields": fields or {}}}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def _page(status: int, message: str | None = None):
    template = f"errors/{status}.html" if status in (403, 404, 429, 500) else "errors/generic.html"
    return render_template(template, status=status,
                           message=message or _MESSAGES.get(status, "出错了")), status


def register(app):
    from blueprints.lost_token import register as register_lost_token

    register_lost_token(app)
    from blueprints.unavailable import register as register_unavailable

    register_unavailable(app)

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        if error.keep_changes:  # a counted login failure stays counted
            db.session.commit()
        else:
            db.session.rollback()
        if is_api_request():
            fields = error.fields
            if error.status == 422:  # the schema's type errors wait for the service's (input.py)
                from blueprints.api.input import merged
                fields = merged(fields)
            return api_error(error.status, error.message or None, fields, error.code)
        return _page(error.status, error.message)

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
            response = _page(error.code or 500,
                             None if error.code in _MESSAGES else error.description)[0]
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
        return _page(500)

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
