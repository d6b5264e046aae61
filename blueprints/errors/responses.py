"""The two shapes of an error answer, shared by every handler: the SPEC §8 JSON for the API and
the Chinese error page for people. A leaf: it imports nothing else of blueprints."""
from flask import jsonify, render_template, request

CODES = {400: "validation_error", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "payload_too_large",
         415: "validation_error", 422: "validation_error", 429: "rate_limited",
         500: "internal_error"}

MESSAGES = {400: "请求有误", 401: "未登录或令牌无效", 403: "您没有执行此操作的权限",
            404: "对象不存在或您无权查看", 405: "不支持的请求方法", 409: "操作与当前状态冲突",
            413: "上传内容过大", 415: "请求体必须是 JSON", 422: "输入有误",
            429: "请求过于频繁，请稍后再试", 500: "服务器内部错误"}


def is_api_request() -> bool:
    """Whether the request is the JSON API's (answered in JSON) rather than a page's."""
    return request.path.startswith("/api/")


def api_error(status: int, message: str | None = None, fields: dict | None = None,
            code: str | None = None):
    """The SPEC §8 error JSON: {"error": {"code", "message", "fields"}}."""
    if status == 400:  # unparseable input is a validation error in this API
        status = 422
    body = {"error": {"code": code or CODES.get(status, "error"),
                    "message": message or MESSAGES.get(status, "错误"),
                    "fields": fields or {}}}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def error_page(status: int, message: str | None = None):
    """(the Chinese error page, status) — its own template for 403/404/429/500, else the generic
    one; `message` defaults to the status's Chinese message."""
    template = f"errors/{status}.html" if status in (403, 404, 429, 500) else "errors/generic.html"
    return render_template(template, status=status,
                           message=message or MESSAGES.get(status, "出错了")), status
