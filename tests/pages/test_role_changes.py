"""Role changes of administrator accounts (SPEC §5.13, §8 PATCH /users/{id}): only the system
administrator, only between administrator roles, never one's own; audited as role_changed with
the role before and after; the changed account's sessions and tokens end."""
import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, LoginSession, User
from models.enums import Role
from tests.conftest import login_form
from tests.support import factories


@pytest.fixture()
def people(world):
    world.system = factories.user(Role.SYSTEM_ADMIN, username="sys_admin")
    world.security = factories.user(Role.SECURITY_ADMIN, username="sec_admin")
    world.auditor = factories.user(Role.AUDIT_ADMIN, username="audit_admin")
    _db.session.commit()
    return world


def _role(user) -> Role:
    _db.session.expire_all()
    return _db.session.get(User, user.id).role


def _changes():
    return _db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "role_changed")
                               .order_by(AuditLog.id)).all()


def test_the_system_administrator_changes_an_administrator_role_by_api(people, api, client):
    victim = api(people.auditor)
    assert victim.get("/me").status_code == 200
    resp = api(people.system).patch(f"/users/{people.auditor.id}", json={"role": "security_admin"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["role"] == "security_admin"
    assert _role(people.auditor) == Role.SECURITY_ADMIN
    (entry,) = _changes()
    assert entry.actor_id == people.system.id and entry.object_id == people.auditor.id
    assert entry.before == {"role": "audit_admin"} and entry.after == {"role": "security_admin"}
    assert entry.address == "127.0.0.1"
    assert victim.get("/me").status_code == 401  # the old rights' token has ended


def test_the_same_role_again_changes_nothing(people, api):
    resp = api(people.system).patch(f"/users/{people.admin.id}", json={"role": "provincial_admin"})
    assert resp.status_code == 200 and _changes() == []


@pytest.mark.parametrize("who", ["admin", "security", "auditor", "manager_a"])
def test_nobody_else_changes_a_role(people, api, who):
    target = people.system if who != "manager_a" else people.rep_a
    # Role before validation: even a role that does not exist answers 403.
    for role in ("security_admin", "no_such_role", 5):
        resp = api(getattr(people, who)).patch(f"/users/{target.id}", json={"role": role})
        assert resp.status_code in (403, 404), resp.get_json()
        if resp.status_code == 403:
            assert resp.get_json()["error"]["code"] == "forbidden"
    assert _role(target) == target.role and _changes() == []


def test_the_office_cannot_change_an_administrator_account(people, api):
    resp = api(people.admin).patch(f"/users/{people.auditor.id}", json={"role": "provincial_admin"})
    assert resp.status_code == 403
    resp = api(people.admin).patch(f"/users/{people.rep_a.id}", json={"role": "home_manager"})
    assert resp.status_code == 403
    assert _role(people.auditor) == Role.AUDIT_ADMIN and _role(people.rep_a) == Role.REPRESENTATIVE


def test_no_own_role_and_no_business_role(people, api):
    system = api(people.system)
    assert system.patch(f"/users/{people.system.id}", json={"role": "audit_admin"}).status_code == 403
    assert system.patch(f"/users/{people.auditor.id}", json={"role": "home_manager"}).status_code == 403
    assert system.patch(f"/users/{people.auditor.id}", json={"role": "representative"}).status_code == 403
    assert system.patch(f"/users/{people.rep_a.id}", json={"role": "audit_admin"}).status_code == 404
    resp = system.patch(f"/users/{people.auditor.id}", json={"role": "no_such_role"})
    assert resp.status_code == 422 and "role" in resp.get_json()["error"]["fields"]
    assert _role(people.system) == Role.SYSTEM_ADMIN and _changes() == []


def test_the_page_changes_a_role_and_refuses_ones_own(app, people):
    victim = app.test_client()
    login_form(victim, people.security)
    assert victim.get("/security/users").status_code == 200
    page = app.test_client()
    assert login_form(page, people.system).status_code == 302
    html = page.get("/sysadmin/users").get_data(as_text=True)
    assert f'data-testid="role-form-{people.security.id}"' in html
    assert f'data-testid="role-form-{people.system.id}"' not in html  # no form for oneself
    resp = page.post(f"/sysadmin/users/{people.security.id}/role", data={"role": "audit_admin"})
    assert resp.status_code == 302
    assert "角色已改为审计管理员" in page.get("/sysadmin/users").get_data(as_text=True)
    assert _role(people.security) == Role.AUDIT_ADMIN
    assert _changes()[0].after == {"role": "audit_admin"}
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)
                              .where(LoginSession.user_id == people.security.id)) == 0
    assert victim.get("/security/users").status_code == 302  # logged out
    assert page.post(f"/sysadmin/users/{people.system.id}/role",
                     data={"role": "audit_admin"}).status_code == 403
    assert page.post(f"/sysadmin/users/{people.auditor.id}/role",
                     data={"role": "representative"}).status_code == 403
    assert _role(people.system) == Role.SYSTEM_ADMIN and len(_changes()) == 1


def test_the_office_has_no_role_page(app, people):
    office = app.test_client()
    login_form(office, people.admin)
    assert office.post(f"/sysadmin/users/{people.auditor.id}/role",
                       data={"role": "provincial_admin"}).status_code == 403
    assert _role(people.auditor) == Role.AUDIT_ADMIN
