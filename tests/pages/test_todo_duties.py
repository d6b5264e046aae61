"""待办 of the separated administrators (SPEC §5.13), first on their landing pages, each a link:
the security administrator's locked accounts, the system administrator's failed job runs since
each job's last success, the audit administrator's last `flask audit verify` (recorded as
audit_verified) and the failed checks since the last whole one."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, JobRun, User
from models.base import utcnow
from models.enums import JobStatus, Role
from tests.conftest import login_form
from tests.pages.test_todo_panel import _entry
from tests.services.test_audit_chain import _tamper
from tests.support import factories


@pytest.fixture()
def people(world):
    world.system = factories.user(Role.SYSTEM_ADMIN, username="sys_admin")
    world.security = factories.user(Role.SECURITY_ADMIN, username="sec_admin")
    world.auditor = factories.user(Role.AUDIT_ADMIN, username="audit_admin")
    _db.session.commit()
    return world


def _page(app, user, path):
    client = app.test_client()
    assert login_form(client, user).status_code == 302
    return client, client.get(path).get_data(as_text=True)


def _lock(user, minutes):
    _db.session.execute(sa.update(User).where(User.id == user.id)
                        .values(locked_until=utcnow() + timedelta(minutes=minutes)))


def test_security_administrator_sees_locked_accounts_and_where_to_unlock(app, people):
    _lock(people.rep_a, 10)
    _lock(people.manager_b, 3)
    _lock(people.rep_b, -1)  # a lock that has ended counts no more
    _db.session.commit()
    client, html = _page(app, people.security, "/security/users")
    count, href = _entry(html, "locked")
    assert count == 2 and href == "/security/users?locked=1"
    listed = client.get(href).get_data(as_text=True)
    assert "rep_a" in listed and "manager_b" in listed and "rep_b" not in listed
    # Unlocking from the filtered list comes back to it, one fewer.
    resp = client.post(f"/security/users/{people.rep_a.id}/unlock?locked=1")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("locked=1")
    assert _entry(client.get("/security/users").get_data(as_text=True), "locked")[0] == 1


def _run(name, status, day):
    run = JobRun(job_name=name, as_of=day, started_at=utcnow(), finished_at=utcnow(),
                 status=status, counts={})
    _db.session.add(run)
    _db.session.flush()


def test_system_administrator_sees_failed_runs_since_the_last_success(app, people):
    _run("validity_watch", JobStatus.FAILED, date(2026, 4, 1))     # before its success: done
    _run("validity_watch", JobStatus.SUCCESS, date(2026, 4, 2))
    _run("validity_watch", JobStatus.FAILED, date(2026, 4, 3))
    _run("queue_digest", JobStatus.FAILED, date(2026, 4, 1))       # never succeeded
    _run("queue_digest", JobStatus.FAILED, date(2026, 4, 2))
    _run("queue_digest", JobStatus.SKIPPED, date(2026, 4, 3))
    _db.session.commit()
    client, html = _page(app, people.system, "/sysadmin/users")
    count, href = _entry(html, "failed_jobs")
    assert count == 3 and href == "/admin/jobs/?status=failed"
    assert client.get(href).status_code == 200
    _run("queue_digest", JobStatus.SUCCESS, date(2026, 4, 4))
    _db.session.commit()
    assert _entry(client.get("/sysadmin/users").get_data(as_text=True), "failed_jobs")[0] == 1


def _note(html):
    return html.split('data-testid="todo-chain-note">')[1].split("<")[0]


def test_audit_administrator_sees_the_last_chain_check(app, people):
    client, html = _page(app, people.auditor, "/audit/")
    count, href = _entry(html, "chain")
    assert count == 0 and href == "/audit/?action=audit_verified"
    assert _note(html) == "尚未校验：请系统运维人员运行 flask audit verify"
    assert "未通过" not in html.split('data-testid="todo-chain"')[1].split("</a>")[0]
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    html = client.get("/audit/").get_data(as_text=True)
    assert _entry(html, "chain")[0] == 0 and "链完整" in _note(html)
    entry = _db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "audit_verified")).one()
    assert entry.result == "success" and entry.actor_id is None and entry.detail["checked"] > 0
    assert entry.seq is not None  # sealed into the chain it checked
    # A broken chain: the check fails, is recorded, and shows until a check finds it whole.
    _tamper("UPDATE audit_log SET hash = :h WHERE id = :id", h="0" * 64, id=entry.id)
    assert runner.invoke(args=["audit", "verify"]).exit_code == 1
    html = client.get("/audit/").get_data(as_text=True)
    assert _entry(html, "chain")[0] == 1 and "发现不符" in _note(html)
    failed = _db.session.scalars(sa.select(AuditLog).where(
        AuditLog.action == "audit_verified", AuditLog.result == "failure")).one()
    assert failed.detail["bad_id"] == entry.id
    page = client.get("/audit/?action=audit_verified").get_data(as_text=True)
    assert "校验审计链" in page


def test_the_panels_belong_to_their_roles(app, people):
    for user, path, key in ((people.system, "/sysadmin/users", "failed_jobs"),
                            (people.security, "/security/users", "locked"),
                            (people.auditor, "/audit/", "chain")):
        _client, html = _page(app, user, path)
        keys = [k.split('"')[0] for k in html.split('data-testid="todo-')[1:]
                if not k.split('"')[0].endswith(("-count", "-note"))]
        assert keys == [key], (user.role, keys)
