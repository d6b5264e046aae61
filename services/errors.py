"""Errors that services raise; the web layer maps each to its page or its SPEC §8 JSON."""


class ServiceError(Exception):
    """Base of every refusal a service can give."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(ServiceError):
    """Bad input; `fields` maps each bad field to its Chinese messages (422)."""

    status = 422
    code = "validation_error"

    def __init__(self, fields: dict[str, list[str]] | dict[str, str],
                 message: str = "输入有误，请检查标出的字段"):
        norm = {k: (v if isinstance(v, list) else [v]) for k, v in fields.items()}
        super().__init__(message, norm)


class Conflict(ServiceError):
    """The state of things forbids the change: duplicates, closed deadlines, quotas (409)."""

    status = 409
    code = "conflict"


class Forbidden(ServiceError):
    """The caller can see the object but their role may not take this action (403)."""

    status = 403
    code = "forbidden"

    def __init__(self, message: str = "您没有执行此操作的权限"):
        super().__init__(message)


class NotFound(ServiceError):
    """Missing, or outside the caller's scope — the two are indistinguishable on purpose (404)."""

    status = 404
    code = "not_found"

    def __init__(self, message: str = "对象不存在或您无权查看"):
        super().__init__(message)


class Collector:
    """Gathers field errors so that every bad field is named at once, then raises."""

    def __init__(self):
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def check(self, condition: bool, field: str, message: str) -> bool:
        if not condition:
            self.add(field, message)
        return condition

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(self.fields)


class RateLimited(ServiceError):
    """Too many uses of a limited action by one user or address (429); the limit is a setting."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str = "操作过于频繁，请稍后再试"):
        super().__init__(message)
