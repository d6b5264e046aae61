"""Jobs run by hand (SPEC §5.13): the service refuses anyone but the system administrator (not
only the page), and every run by hand — the page's and `flask jobs run` — is audited with its actor
and outcome, in the transaction that records the run."""
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from jobs import locking, schedule
from jobs.runner import UnknownJob, run_by_hand, run_job
from models import AuditLog, JobRun
from models.enums import JobStatus, Role
from services.errors import Forbidden
from tests.support import factories as f


def _entries():
    _db.session.expire_all()
    return _db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "job_run")
                               .order_by(AuditLog.id)).all()


@pytest.fixture()
def system(db):
    user = f.user(Role.SYSTEM_ADMIN, username="sys_admin")
    _db.session.commit()
    return user


@pytest.mark.parametrize("role", [Role.PROVINCIAL_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN,
                                  Role.HOME_MANAGER, Role.REPRESENTATIVE])
def test_the_service_refuses_everyone_but_the_system_administrator(world, role):
    actor = {Role.HOME_MANAGER: world.manager_a, Role.REPRESENTATIVE: world.rep_a,
             Role.PROVINCIAL_ADMIN: world.admin}.get(role) or f.user(role)
    _db.session.commit()
    with pytest.raises(Forbidden):
        run_by_hand(actor, "publicity_close", date(2026, 4, 1))
    with pytest.raises(Forbidden):  # the runner itself refuses a page run without the role
        run_job("publicity_close", date(2026, 4, 1), trigger="web", actor=actor)
    with pytest.raises(Forbidden):
        run_by_hand(None, "publicity_close")
    assert _db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0 and _entries() == []


def test_a_run_by_hand_is_audited_with_its_actor(system):
    run = run_by_hand(system, "publicity_close", date(2026, 4, 1))
    assert run.status == JobStatus.SUCCESS and run.counts["trigger"] == "web"
    (entry,) = _entries()
    assert entry.actor_id == system.id and entry.object_type == "job_runs"
    assert entry.object_id == run.id and entry.result == "success"
    assert entry.after == {"job": "publicity_close", "as_of": "2026-04-01", "status": "success"}
    assert entry.detail == {"trigger": "web"} and entry.seq is not None  # sealed by the commit


def test_a_failed_or_skipped_run_by_hand_is_audited_too(system, monkeypatch):
    def boom(today):
        raise RuntimeError("磁盘已满")
    monkeypatch.setattr(schedule, "JOBS", (*schedule.JOBS, schedule.ScheduledJob(
        "boom", {"hour": 4}, boom, "每天 04:00", "测试")))
    failed = run_by_hand(system, "boom", date(2026, 4, 1))
    assert locking.acquire("publicity_close", "serve-process")
    skipped = run_by_hand(system, "publicity_close", date(2026, 4, 1))
    results = [(e.object_id, e.result, e.after["status"]) for e in _entries()]
    assert results == [(failed.id, "failure", "failed"), (skipped.id, "success", "skipped")]
    with pytest.raises(UnknownJob):
        run_by_hand(system, "no_such_job")


def test_the_command_line_run_is_audited_without_an_actor_and_the_scheduler_not(db):
    run_job("publicity_close", date(2026, 4, 1), trigger="cli")
    run_job("publicity_close", date(2026, 4, 2), trigger="scheduler")
    (entry,) = _entries()
    assert entry.actor_id is None and entry.detail == {"trigger": "cli"}


def test_the_page_run_is_audited_with_the_signed_in_system_administrator(app, system):
    from tests.conftest import login_form

    client = app.test_client()
    login_form(client, system)
    assert client.post("/admin/jobs/publicity_close/run", data={"today": "2026-04-01"},
                       environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 302
    (entry,) = _entries()
    assert entry.actor_id == system.id and entry.address == "10.0.0.9"
