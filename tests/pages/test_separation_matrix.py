"""三员分立 as a permission matrix (SPEC §4, §5.13): every route of the app (pages and API, read
from app.url_map) × the four administrator roles, the home manager and the representative.

- system_admin, security_admin, audit_admin: their own duty's routes and the routes every account
  has are not refused; every other route answers 403, for any id.
- provincial_admin, home_manager, representative: the separated administrators' routes answer 403.
"""
import re

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import User
from models.enums import Role
from tests.conftest import login_form, token_body
from tests.support import factories

#: The routes every signed-in account may open (by blueprint, or by endpoint).
COMMON_BLUEPRINTS = {"auth", "public", "api_tokens", "api_me", "api_notifications",
                     "notifications", "api-docs", "api_public", "bootstrap", "pwa",
                     "signin_public", "api_signin_public", "survey_public", "api_public_surveys",
                     "need_public", "api_public_needs"}
COMMON_ENDPOINTS = {"static", "favicon", "main.index", "main.healthz", "account.profile",
                    "account.first_password", "account.messages", "account.messages_test",
                    "qr.page", "qr.done", "qr.track_form", "qr.track"}
#: Each separated administrator's own routes (SPEC §5.13, §8).
OWN = {
    Role.SYSTEM_ADMIN: {"sysadmin.users", "sysadmin.user_new", "sysadmin.user_reset",
                        "sysadmin.user_active", "sysadmin.user_role", "jobs_admin.runs",
                        "jobs_admin.run_now",
                        "api_users.Users", "api_users.UserDetail"},
    Role.SECURITY_ADMIN: {"security.users", "security.user_action", "security.settings",
                          "api_security.unlock", "api_security.otp_reset",
                          "api_security.sessions_end"},
    Role.AUDIT_ADMIN: {"audit.index", "audit.export", "api_audit.audit_log"},
}
SEPARATED_ONLY = set().union(*OWN.values()) - {"jobs_admin.runs", "api_users.Users",
                                                "api_users.UserDetail"}
#: Not run here: they end the session the matrix runs in (tested in test_audit_events).
NOT_RUN = {"auth.logout", "api_tokens.Tokens:DELETE", "static", "bootstrap.static"}


def _url(rule) -> str:
    """The rule's path with placeholder values (1 for ids, a plausible value otherwise)."""
    def value(match):
        converter = match.group(1) or ""
        if converter.startswith("int"):
            return "1"
        if converter.startswith("any"):
            return re.split(r"[(,)'\s]+", converter)[1]
        return "x1"
    return re.sub(r"<(?:([^:>]+):)?[^>]+>", value, rule.rule)


def _routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            key = f"{rule.endpoint}:{method}"
            if rule.endpoint in NOT_RUN or key in NOT_RUN:
                continue
            out.append((rule.endpoint, method, _url(rule)))
    return out


def _common(endpoint: str) -> bool:
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else None
    return endpoint in COMMON_ENDPOINTS or blueprint in COMMON_BLUEPRINTS


@pytest.fixture()
def people(world):
    world.system = factories.user(Role.SYSTEM_ADMIN, username="sys_admin")
    world.security = factories.user(Role.SECURITY_ADMIN, username="sec_admin")
    world.auditor = factories.user(Role.AUDIT_ADMIN, username="audit_admin")
    _db.session.commit()
    return world


def _callers(app, user):
    """(page client signed in as user, API headers with user's token)."""
    client = app.test_client()
    assert login_form(client, user).status_code == 302
    resp = app.test_client().post("/api/v1/tokens", json=token_body(user))
    return client, {"Authorization": f"Bearer {resp.get_json()['token']}"}


def _call(client, headers, method, url):
    kwargs = {"headers": headers} if url.startswith("/api/") else {}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json" if url.startswith("/api/") else "data"] = {}
    return getattr(client, method.lower())(url, **kwargs)


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_separated_administrators_reach_only_their_duty(app, people, role):
    user = {Role.SYSTEM_ADMIN: people.system, Role.SECURITY_ADMIN: people.security,
            Role.AUDIT_ADMIN: people.auditor}[role]
    client, headers = _callers(app, user)
    wrong, checked = [], 0
    for endpoint, method, url in _routes(app):
        status = _call(client, headers, method, url).status_code
        expected_refused = not (_common(endpoint) or endpoint in OWN[role])
        if expected_refused != (status == 403) or status >= 500:
            wrong.append((endpoint, method, url, status))
        checked += 1
    assert checked > 150
    assert wrong == []


@pytest.mark.parametrize("who", ["admin", "manager_a", "rep_a"])
def test_business_roles_are_refused_the_separated_duties(app, people, who):
    client, headers = _callers(app, getattr(people, who))
    routes = [r for r in _routes(app) if r[0] in SEPARATED_ONLY]
    assert len(routes) >= 10
    answers = {(endpoint, method): _call(client, headers, method, url).status_code
               for endpoint, method, url in routes}
    assert set(answers.values()) == {403}, answers


def test_the_office_reads_job_runs_but_only_the_system_administrator_runs_one(app, people):
    office, _ = _callers(app, people.admin)
    assert office.get("/admin/jobs/").status_code == 200
    assert office.post("/admin/jobs/queue_digest/run", data={}).status_code == 403
    system, _ = _callers(app, people.system)
    assert system.post("/admin/jobs/queue_digest/run", data={}).status_code == 302


def test_administrator_accounts_are_kept_by_the_system_administrator_only(app, people, api):
    office = api(people.admin)
    for role in ("provincial_admin", "system_admin", "security_admin", "audit_admin"):
        # Role before validation: a body missing everything else is still 403, not 422.
        resp = office.post("/users", json={"role": role})
        assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"
    assert office.post("/users", json={"role": "representative"}).status_code == 422
    system = api(people.system)
    assert system.post("/users", json={"role": "home_manager"}).status_code == 403
    resp = system.post("/users", json={"username": "auditor2", "password": "Long-enough-pass-1",
                                       "name": "审计员二", "role": "audit_admin"})
    assert resp.status_code == 201, resp.get_json()
    assert office.patch(f"/users/{people.auditor.id}", json={"active": False}).status_code in (403, 404)
    assert system.patch(f"/users/{people.rep_a.id}", json={"active": False}).status_code == 404
    assert system.patch(f"/users/{people.auditor.id}", json={"active": False}).status_code == 200
    created = _db.session.scalar(sa.select(User).where(User.username == "auditor2"))
    assert created.role == Role.AUDIT_ADMIN


def test_nobody_changes_their_own_role(app, people, api):
    for user in (people.admin, people.system, people.security, people.auditor):
        resp = api(user).patch(f"/users/{user.id}", json={"role": "system_admin"})
        assert resp.status_code == 403
        _db.session.expire_all()
        assert _db.session.get(User, user.id).role == user.role


def test_security_administrator_ends_sessions_and_is_audited(app, people, api):
    from models import AuditLog

    victim = api(people.rep_a)
    assert victim.get("/me").status_code == 200
    sec = api(people.security)
    for path in ("unlock", "otp/reset", "sessions/end"):
        assert sec.post(f"/users/{people.rep_a.id}/{path}").status_code == 200
    assert victim.get("/me").status_code == 401
    actions = _db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.actor_id == people.security.id, AuditLog.action != "login_success")
        .order_by(AuditLog.id)).all()
    assert actions == ["account_unlocked", "otp_reset", "sessions_ended"]
    assert sec.post(f"/users/{people.security.id}/sessions/end").status_code == 409


def test_separated_administrators_land_on_their_own_page(app, people):
    for user, landing in ((people.system, "/sysadmin/users"), (people.security, "/security/users"),
                          (people.auditor, "/audit/")):
        client, _ = _callers(app, user)
        resp = client.get("/")
        assert resp.status_code == 302 and resp.headers["Location"].endswith(landing)
        page = client.get(landing).get_data(as_text=True)
        assert user.role.label in page
