"""Errors that services raise; the web layer maps each to its page or its SPEC §8 JSON."""


class ServiceError(Exception):
    """Base of every refusal a service can give."""

    status = 400
    code = "bad_request"
    #: True when the refusal itself wrote something that must be kept (a counted login failure):
    #: the error handlers and commit_operation commit instead of rolling back.
    keep_changes = False

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


class LoginFailed(ServiceError):
    """Wrong credentials or code, the same answer for an unknown username (401). The failure was
    counted (SPEC §5.13), so the transaction is kept."""

    status = 401
    code = "unauthorized"
    keep_changes = True

    def __init__(self, message: str = "用户名或密码错误",
                 fields: dict[str, list[str]] | None = None):
        super().__init__(message, fields)


class AccountLocked(ServiceError):
    """The account is locked after too many failures until `until` (401 `account_locked`)."""

    status = 401
    code = "account_locked"
    keep_changes = True

    def __init__(self, until, message: str = ""):
        from services.clock import local
        self.until = until
        super().__init__(message or f"登录失败次数过多，账号已锁定至 {local(until):%Y-%m-%d %H:%M}"
                                    "（北京时间），请届时再试或联系安全管理员解锁",
                         {"unlock_at": [until.isoformat()]})


class OtpRequired(ServiceError):
    """The account has a second factor and no code was given (401 `otp_required`)."""

    status = 401
    code = "otp_required"

    def __init__(self, message: str = "请填写动态验证码（身份验证器应用中的6位数字）"):
        super().__init__(message, {"otp": [message]})


class OtpEnrollmentRequired(ServiceError):
    """An account that needs a second factor has not enrolled one yet (403)."""

    status = 403
    code = "otp_enrollment_required"

    def __init__(self, message: str = "请先绑定身份验证器（双因素认证）：POST /api/v1/me/otp"):
        super().__init__(message)


class PasswordExpired(ServiceError):
    """The password must be changed before anything else (403 `password_expired`)."""

    status = 403
    code = "password_expired"

    def __init__(self, message: str = "须先设置新密码：POST /api/v1/me/password"):
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
