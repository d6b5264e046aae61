"""What the OpenAPI document says beyond what each view declares, so that it tells the truth.

- every error answer is SPEC §8's {"error": {code, message, fields}} (the `Error` component);
- every operation documents the error statuses it can answer: 401 and 403 where a token is
  required, 404 where there is an object to miss (path ids) or a scope to fall outside, 409 on
  writes, 413 where there is or may be a body (writes), 422 everywhere (any query or body can be
  odd), 429 everywhere (limits are per deployment);
- an error answer declared with a description only gets the `Error` body it really has;
- operations whose token is optional (published assessments) say so: `security: [{}, bearer]`;
- a request with field errors the schema found still reaches the service, and the request ends in
  one 422 naming every field (`refuse_pending`, an after_request check for answers without writes).
"""
from flask import request

from extensions import db

SECURED = [{"bearerAuth": []}]
OPTIONAL_AUTH = [{}, {"bearerAuth": []}]

_STATUS_NAMES = {401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT",
                 413: "REQUEST_ENTITY_TOO_LARGE", 422: "UNPROCESSABLE_ENTITY",
                 429: "TOO_MANY_REQUESTS"}
_WRITES = {"post", "put", "patch", "delete"}
_METHODS = {"get", "post", "put", "patch", "delete"}


def _statuses(path: str, method: str, operation: dict) -> list[int]:
    secured = bool(operation.get("security"))
    out = [422, 429]
    if secured:
        out += [401, 403, 404]
    elif "{" in path:
        out.append(404)
    if method in _WRITES:
        out.append(409)
    if "requestBody" in operation or method in _WRITES:
        out.append(413)  # any body over its route's limit (blueprints/body_limits.py)
    return out


def document_errors(api) -> None:
    """Add the error answers above to every operation of the document (call after registering)."""
    spec = api.spec
    for path, item in spec._paths.items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                # alt_response(4xx, description=…) alone would say the error has no body
                if str(status)[0] in "45" and "$ref" not in response \
                        and "content" not in response:
                    response["content"] = {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}
            for status in _statuses(path, method, operation):
                if str(status) not in responses and status not in responses:
                    responses[str(status)] = spec.components.get_ref(
                        "response", _STATUS_NAMES[status])


def refuse_pending(response):
    """after_request: an API answer while schema field errors are pending becomes their 422."""
    if not request.path.startswith("/api/") or response.status_code >= 400:
        return response
    from blueprints.errors.pending import pending
    from blueprints.errors.responses import api_error

    errors = pending()
    if not errors:
        return response
    db.session.rollback()
    return api_error(422, "输入有误，请检查标出的字段", dict(errors))
