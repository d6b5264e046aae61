"""The job runs page (provincial admin only): filters, error text, next runs, "立即运行"."""
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from jobs import schedule
from models import Home, JobRun
from models.base import utcnow
from models.enums import HomeStatus, JobStatus

OTHERS = ["manager_a", "manager_b", "rep_a", "rep_b"]


def add_run(name, status, error="", counts=None, minutes_ago=0):
    run = JobRun(job_name=name, as_of=date(2026, 3, 1), status=status, error=error,
                 counts=counts or {}, started_at=utcnow() - timedelta(minutes=minutes_ago),
                 finished_at=utcnow())
    _db.session.add(run)
    _db.session.flush()
    return run


def test_anonymous_is_sent_to_login(client, world):
    for resp in (client.get("/admin/jobs/"), client.post("/admin/jobs/validity_watch/run")):
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert _db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0


@pytest.mark.parametrize("who", OTHERS)
def test_other_roles_are_forbidden(client, login, world, who):
    login(getattr(world, who))
    assert client.get("/admin/jobs/").status_code == 403
    assert client.post("/admin/jobs/validity_watch/run").status_code == 403
    assert _db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0


def test_admin_sees_every_job_with_next_run_and_the_runs(client, login, world):
    add_run("validity_watch", JobStatus.SUCCESS, counts={"expired": 2}, minutes_ago=5)
    add_run("compliance_sweep", JobStatus.FAILED, error="RuntimeError: 数据库连接中断\n\nTraceback …")
    _db.session.commit()
    login(world.admin)
    html = client.get("/admin/jobs/").get_data(as_text=True)
    for job in schedule.JOBS:
        assert f'data-testid="job-{job.name}"' in html and job.when in html
        assert job.next_run().strftime("%Y-%m-%d %H:%M") in html
    assert "立即运行" in html
    assert "已到期：2" in html
    assert "RuntimeError: 数据库连接中断" in html
    assert html.count('data-testid="run"') == 2
    assert "从未运行" in html                            # publicity_close never ran


def test_filters_by_job_and_status(client, login, world):
    add_run("validity_watch", JobStatus.SUCCESS)
    add_run("validity_watch", JobStatus.FAILED, error="ValueError: 坏")
    add_run("publicity_close", JobStatus.SKIPPED)
    _db.session.commit()
    login(world.admin)
    assert client.get("/admin/jobs/?job=validity_watch").get_data(as_text=True).count(
        'data-testid="run"') == 2
    html = client.get("/admin/jobs/?job=validity_watch&status=failed").get_data(as_text=True)
    assert html.count('data-testid="run"') == 1 and "ValueError: 坏" in html
    assert client.get("/admin/jobs/?status=skipped").get_data(as_text=True).count(
        'data-testid="run"') == 1
    # Unknown filter values are ignored rather than failing.
    assert client.get("/admin/jobs/?job=x&status=y").get_data(as_text=True).count(
        'data-testid="run"') == 3


def test_runs_are_paginated_without_n_plus_one(client, login, world):
    from tests.conftest import count_statements
    for i in range(3):
        add_run("validity_watch", JobStatus.SUCCESS, minutes_ago=i)
    _db.session.commit()
    login(world.admin)
    with count_statements() as few:
        client.get("/admin/jobs/")
    for i in range(40):
        add_run("compliance_sweep", JobStatus.SUCCESS, counts={"n": i}, minutes_ago=10 + i)
    _db.session.commit()
    with count_statements() as many:
        html = client.get("/admin/jobs/").get_data(as_text=True)
    assert len(many) == len(few)
    assert html.count('data-testid="run"') == 30
    following = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert client.get(following).get_data(as_text=True).count('data-testid="run"') == 13


def _system_admin():
    from models.enums import Role
    from tests.support import factories

    user = factories.user(Role.SYSTEM_ADMIN)
    _db_commit()
    return user


def _db_commit():
    from extensions import db
    db.session.commit()


def test_the_office_reads_runs_but_cannot_run_a_job(client, login, world):
    login(world.admin)
    assert client.get("/admin/jobs/").status_code == 200
    assert client.post("/admin/jobs/queue_digest/run", data={}).status_code == 403


def test_run_now_runs_synchronously_with_trigger_web(client, login, world):
    world.home_a.expires_on = date(2026, 12, 31)
    _db.session.commit()
    login(_system_admin())  # jobs run by hand: the system administrator (SPEC §5.13)
    resp = client.post("/admin/jobs/validity_watch/run", data={"today": "2026-12-31"},
                       follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "运行成功" in html
    run = _db.session.scalar(sa.select(JobRun))
    assert run.job_name == "validity_watch" and run.as_of == date(2026, 12, 31)
    assert run.status == JobStatus.SUCCESS and run.counts["trigger"] == "web"
    assert _db.session.get(Home, world.home_a.id).status == HomeStatus.EXPIRED


def test_run_now_defaults_to_today(client, login, world, monkeypatch):
    monkeypatch.setattr("services.clock.today", lambda: date(2026, 4, 1))
    login(_system_admin())  # jobs run by hand: the system administrator (SPEC §5.13)
    client.post("/admin/jobs/publicity_close/run")
    assert _db.session.scalar(sa.select(JobRun.as_of)) == date(2026, 4, 1)


def test_run_now_reports_a_held_lease_as_skipped(client, login, world):
    from jobs import locking
    assert locking.acquire("publicity_close", "serve-process")
    login(_system_admin())  # jobs run by hand: the system administrator (SPEC §5.13)
    html = client.post("/admin/jobs/publicity_close/run", follow_redirects=True).get_data(
        as_text=True)
    assert "本次已跳过" in html
    assert _db.session.scalar(sa.select(JobRun.status)) == JobStatus.SKIPPED


def test_run_now_bad_date_or_unknown_job(client, login, world):
    login(_system_admin())  # jobs run by hand: the system administrator (SPEC §5.13)
    html = client.post("/admin/jobs/validity_watch/run", data={"today": "2026-02-30"},
                       follow_redirects=True).get_data(as_text=True)
    assert "截至日期格式应为 YYYY-MM-DD" in html
    assert client.post("/admin/jobs/nope/run").status_code == 404
    assert _db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0


def test_run_now_failure_is_shown(client, login, world, monkeypatch):
    def boom(today):
        raise RuntimeError("磁盘已满")
    monkeypatch.setattr(schedule, "JOBS", (*schedule.JOBS, schedule.ScheduledJob(
        "boom", {"hour": 4}, boom, "每天 04:00", "测试")))
    login(_system_admin())  # jobs run by hand: the system administrator (SPEC §5.13)
    html = client.post("/admin/jobs/boom/run", follow_redirects=True).get_data(as_text=True)
    assert "运行失败：RuntimeError: 磁盘已满" in html


def test_counts_never_show_a_python_repr(client, login, world):
    """Lists of dicts (the drafts job's ineligible Homes), dicts, booleans, None and floats read as
    Chinese text: no brackets, quotes, True/False or ids."""
    add_run("assessment_drafts", JobStatus.SUCCESS, counts={
        "year": 2025, "created": 3,
        "ineligible": [{"home_id": 8, "home": "徐工集团科协代表之家", "reason": "认定晚于6月30日"},
                       {"home_id": 9, "home": "常州市科协代表之家", "reason": "已撤销"}],
        "homes": [], "window_days": 7.0, "skipped": None, "emailed": True,
        "by_city": {"trigger": "cli", "failed": 0.5}})
    _db.session.commit()
    login(world.admin)
    html = client.get("/admin/jobs/?job=assessment_drafts").get_data(as_text=True)
    assert ("不参加考核：徐工集团科协代表之家（认定晚于6月30日）、常州市科协代表之家（已撤销）"
            in html)
    assert "代表之家：无" in html and "天数：7<" in html and "已跳过：—" in html
    assert "已发邮件：是" in html and "by_city：触发方式：命令行，失败：0.5" in html
    run_text = re.search(r'data-testid="run".*?</tr>', html, re.S).group(0)
    for repr_mark in ("[", "{", "'", "home_id", "True", "None", "7.0"):
        assert repr_mark not in run_text, repr_mark


def test_count_value_reads_every_shape():
    from blueprints.jobs_admin.labels import count_value
    assert count_value("trigger", "web") == "页面立即运行"
    assert count_value("created", 0) == "0" and count_value("x", False) == "否"
    assert count_value("x", [1, 2]) == "1、2" and count_value("x", ()) == "无"
    assert count_value("x", {"name": "甲", "home_id": 1}) == "甲"
    assert count_value("x", {"name": "甲", "notified": 2}) == "甲（已通知：2）"
    assert count_value("x", {"home_id": 1}) == "—"
    assert count_value("x", [[{"home": "乙"}]]) == "乙"
