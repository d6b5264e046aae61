"""三员分立 at the door (SPEC §4, §5.13): a system, security or audit administrator reaches only
the pages and API operations of their own duty and the ones every account has; every other route
answers 403 before it looks anything up (the same answer for every id reveals nothing).

A city administrator (SPEC §5.12) reads its city's Homes and changes nothing: every request that
is not a read (GET/HEAD) answers 403 before it looks anything up, except its own account, the
routes every account has, and the one-click reminder to a representative (CITY_ADMIN_CHANGES).

The services refuse the same work again (services/scope.py, services/accounts): this gate only
makes the answer uniform and early.
"""
from flask import request
from flask_login import current_user

from models.enums import SEPARATED_ROLES, Role
from services.errors import Forbidden

#: What every signed-in account may open: signing in and out, its own account and notifications,
#: the public portal and the public survey page (open to anyone anyway), static assets and the
#: API's own description.
COMMON_BLUEPRINTS = {"auth", "public", "api_tokens", "api_me", "api_notifications",
                     "notifications", "api-docs", "api_public", "bootstrap", "pwa",
                     "signin_public", "api_signin_public", "survey_public", "api_public_surveys",
                     "need_public", "api_public_needs"}
COMMON_ENDPOINTS = {"static", "favicon", "main.index", "main.healthz", "account.profile",
                    "account.first_password", "account.messages", "account.messages_test",
                    "qr.page", "qr.done", "qr.track_form", "qr.track"}

#: The duty of each separated administrator, by blueprint and by endpoint.
DUTY_BLUEPRINTS = {
    Role.SYSTEM_ADMIN: {"sysadmin", "api_users"},
    Role.SECURITY_ADMIN: {"security", "api_security"},
    Role.AUDIT_ADMIN: {"audit", "api_audit"},
}
DUTY_ENDPOINTS = {
    Role.SYSTEM_ADMIN: {"jobs_admin.runs", "jobs_admin.run_now"},
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
}


#: The changes a city administrator may make besides its own account's (SPEC §5.12).
CITY_ADMIN_CHANGES = {"dashboard.remind", "account.otp", "account.otp_confirm"}
READS = {"GET", "HEAD", "OPTIONS"}


def city_admin_allowed(endpoint: str | None, method: str) -> bool:
    """Whether a city administrator may send `method` to `endpoint`: reads anywhere (the scope
    decides 200 or 404), changes only to its own account, the common routes and the reminder."""
    if method in READS or endpoint is None:
        return True
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else None
    return (endpoint in COMMON_ENDPOINTS or blueprint in COMMON_BLUEPRINTS
            or endpoint in CITY_ADMIN_CHANGES)


def allowed(role, endpoint: str | None) -> bool:
    """Whether a separated administrator of `role` may open `endpoint` (others: always True)."""
    if role not in SEPARATED_ROLES or endpoint is None:
        return True
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else None
    return (endpoint in COMMON_ENDPOINTS or blueprint in COMMON_BLUEPRINTS
            or endpoint in DUTY_ENDPOINTS[role] or blueprint in DUTY_BLUEPRINTS[role])


def permits(user, endpoint: str | None, method: str = "POST") -> bool:
    """Whether the gate lets `user` send `method` to `endpoint`: the one rule behind the gate and
    behind `may(...)` in templates, so a page shows only the actions its viewer may take (a
    separated administrator's duty; a city administrator's reads, own account and reminder).
    Anonymous visitors: True (the login page answers them)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return True
    if not allowed(user.role, endpoint):
        return False
    return user.role != Role.CITY_ADMIN or city_admin_allowed(endpoint, method)


def _caller():
    if request.path.startswith("/api/"):
        from blueprints.api.auth import load_api_user
        return load_api_user()
    return current_user if current_user.is_authenticated else None


def register(app) -> None:
    """Check every request against the caller's duty."""
    @app.before_request
    def separation_gate():
        if request.endpoint in (None, "main.healthz", "static", "bootstrap.static"):
            return None  # open to everyone; /healthz must answer even when the database does not
        user = _caller()
        if user is None or permits(user, request.endpoint, request.method):
            return None
        if user.role == Role.CITY_ADMIN:
            raise Forbidden("设区市科协只能查看本市代表之家的情况，不能修改（可一键提醒代表）")
        raise Forbidden("系统、安全和审计管理员只能办理本岗位的工作（三员分立）")
        return None
