"""The five scheduled jobs of SPEC §7: their effect on prepared data for chosen as-of dates,
idempotence, the schedule table, failure isolation and the `flask jobs` CLI."""
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from extensions import db as _db
from jobs import schedule
from jobs.runner import UnknownJob, run_job
from models import Assessment, Home, JobRun, Notification
from models.enums import AssessmentStatus, Grade, HomeStatus, JobStatus
from services.clock import SHANGHAI
from tests.support import factories as f


def notes(kind=None, user=None):
    stmt = sa.select(Notification).order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    if user is not None:
        stmt = stmt.where(Notification.user_id == user.id)
    return list(_db.session.scalars(stmt))


def state():
    """What a job can change: notifications, Home statuses, assessments, audit entries."""
    from models import AuditLog
    return (
        [(n.user_id, n.kind, n.dedupe_key) for n in notes()],
        list(_db.session.execute(sa.select(Home.id, Home.status).order_by(Home.id))),
        list(_db.session.execute(sa.select(Assessment.home_id, Assessment.year, Assessment.status)
                                 .order_by(Assessment.id))),
        # The job's own entries (a run by hand adds its job_run entry, tests/jobs/test_runs_by_hand.py).
        _db.session.scalar(sa.select(sa.func.count(AuditLog.id))
                           .where(AuditLog.action != "job_run")),
    )


def run_ok(name, today):
    run = run_job(name, today)
    assert run.status == JobStatus.SUCCESS, run.error
    _db.session.expire_all()
    return run


# ---------------------------------------------------------------- the schedule table (SPEC §7)

SPEC_TIMES = {
    "compliance_sweep": {"hour": 2, "minute": 0},
    "inactivity_reminder": {"day_of_week": "mon", "hour": 8, "minute": 0},
    "validity_watch": {"hour": 1, "minute": 0},
    "publicity_close": {"hour": 1, "minute": 30},
    "assessment_drafts": {"month": 1, "day": 5, "hour": 3, "minute": 0},
    "queue_digest": {"hour": 8, "minute": 30},
    "deliver_messages": {"minute": "*"},   # the delivery queue (e-mail, group robots)
    "signin_retention": {"hour": 3, "minute": 30},  # SPEC §5.9's retention
}


def test_schedule_table_matches_spec_section_7():
    assert schedule.names() == list(SPEC_TIMES)
    for job in schedule.JOBS:
        assert job.cron == SPEC_TIMES[job.name]
        assert str(job.trigger().timezone) == "Asia/Shanghai"
        assert callable(job.func)


@pytest.mark.parametrize("name, after, expected", [
    # 2026-11-28 is a Saturday
    ("compliance_sweep", datetime(2026, 11, 28, 2, 1), datetime(2026, 11, 29, 2, 0)),
    ("compliance_sweep", datetime(2026, 11, 28, 1, 59), datetime(2026, 11, 28, 2, 0)),
    ("inactivity_reminder", datetime(2026, 11, 28, 9, 0), datetime(2026, 11, 30, 8, 0)),
    ("inactivity_reminder", datetime(2026, 11, 30, 8, 1), datetime(2026, 12, 7, 8, 0)),
    ("validity_watch", datetime(2026, 11, 28, 0, 0), datetime(2026, 11, 28, 1, 0)),
    ("publicity_close", datetime(2026, 11, 28, 1, 0), datetime(2026, 11, 28, 1, 30)),
    ("assessment_drafts", datetime(2026, 11, 28, 0, 0), datetime(2027, 1, 5, 3, 0)),
    ("assessment_drafts", datetime(2027, 1, 5, 3, 1), datetime(2028, 1, 5, 3, 0)),
])
def test_next_fire_times_in_shanghai(name, after, expected):
    nxt = schedule.get(name).next_run(after.replace(tzinfo=SHANGHAI))
    assert nxt.replace(tzinfo=None) == expected
    assert nxt.utcoffset().total_seconds() == 8 * 3600


# ---------------------------------------------------------------- compliance_sweep

def _contacts(rep, n, day):
    for _ in range(n):
        f.contact(rep, f.worker(linked_by=rep), day)


def test_compliance_sweep_notifies_below_threshold_and_digests_managers(world):
    _contacts(world.rep_a, 5, date(2026, 3, 1))            # compliant
    _contacts(world.rep_a2, 4, date(2026, 3, 1))           # one short
    _contacts(world.rep_a2, 3, date(2025, 12, 31))         # last year: does not count
    expired = f.home(status=HomeStatus.EXPIRED)
    f.representative(expired)                              # Home not active: left alone
    f.representative(world.home_a, active=False)           # inactive account: left alone
    _db.session.commit()

    run = run_ok("compliance_sweep", date(2026, 3, 4))
    assert run.counts["below_threshold"] == 2
    assert run.counts["notified"] == 2 and run.counts["digests"] == 2
    reminded = {n.user_id for n in notes("compliance_reminder")}
    assert reminded == {world.rep_a2.id, world.rep_b.id}
    (a2,) = notes("compliance_reminder", world.rep_a2)
    assert "已联系 4 名" in a2.body and "还差 1 名" in a2.body
    assert a2.dedupe_key == "compliance_reminder:2026-W10"
    (digest_a,) = notes("compliance_digest", world.manager_a)
    assert "代表乙" in digest_a.body and "代表甲" not in digest_a.body
    (digest_b,) = notes("compliance_digest", world.manager_b)
    assert "代表丙" in digest_b.body


def test_compliance_sweep_is_weekly_and_idempotent(world):
    run_ok("compliance_sweep", date(2026, 3, 2))           # Monday, ISO week 10
    before = state()
    assert len(notes("compliance_reminder")) == 3 and len(notes("compliance_digest")) == 2
    again = run_ok("compliance_sweep", date(2026, 3, 2))
    assert again.counts["notified"] == 0 and again.counts["digests"] == 0
    run_ok("compliance_sweep", date(2026, 3, 8))           # Sunday, same ISO week
    assert state() == before
    run_ok("compliance_sweep", date(2026, 3, 9))           # next week: a new reminder each
    assert len(notes("compliance_reminder")) == 6 and len(notes("compliance_digest")) == 4


def test_compliance_sweep_sends_nothing_when_everyone_complies(world):
    for rep in (world.rep_a, world.rep_a2, world.rep_b):
        _contacts(rep, 5, date(2026, 1, 1))
    _db.session.commit()
    run = run_ok("compliance_sweep", date(2026, 1, 1))
    assert run.counts["below_threshold"] == 0
    assert notes() == []


# ---------------------------------------------------------------- inactivity_reminder

def test_inactivity_reminder_window_is_sixty_days(world):
    today = date(2026, 6, 1)  # a Monday; 60 days before is 2026-04-02
    f.activity(world.rep_a, date=date(2026, 4, 2))                       # on the edge: active
    co = f.activity(world.rep_b, date=date(2026, 3, 1))                  # too old for rep_b
    act = f.activity(world.manager_a, home_id=world.home_a.id, date=date(2026, 5, 1))
    act.co_organizers.append(world.rep_a2)                               # co-organiser counts
    f.activity(world.rep_b, date=date(2026, 4, 1))                       # 61 days: too old
    from models.enums import ActivityStatus
    f.activity(world.rep_b, date=date(2026, 5, 20), status=ActivityStatus.DRAFT)  # drafts don't count
    f.activity(world.rep_b, date=date(2026, 6, 2))                       # after the as-of date
    assert co.date < date(2026, 4, 2)
    _db.session.commit()

    run = run_ok("inactivity_reminder", today)
    assert run.counts == {"inactive": 1, "notified": 1, "window_days": 60, "trigger": "cli"}
    (note,) = notes("inactivity_reminder")
    assert note.user_id == world.rep_b.id
    assert note.dedupe_key == "inactivity_reminder:2026-W23"
    before = state()
    assert run_ok("inactivity_reminder", today).counts["notified"] == 0
    assert state() == before


def test_inactivity_reminder_ignores_inactive_homes_and_accounts(world):
    world.home_b.status = HomeStatus.REVOKED
    world.rep_a2.active = False
    _db.session.commit()
    run_ok("inactivity_reminder", date(2026, 6, 1))
    assert {n.user_id for n in notes("inactivity_reminder")} == {world.rep_a.id}


# ---------------------------------------------------------------- validity_watch

def test_validity_watch_warns_sixty_days_before_expiry_not_sixty_one(world):
    today = date(2026, 11, 1)
    world.home_a.expires_on = date(2026, 12, 31)   # today + 60
    world.home_b.expires_on = date(2027, 1, 1)     # today + 61
    _db.session.commit()

    run = run_ok("validity_watch", today)
    assert run.counts["expired"] == 0 and run.counts["expiring"] == 1 and run.counts["warned"] == 1
    (warning,) = notes("home_expiring")
    assert warning.user_id == world.manager_a.id
    assert "2026-12-30" in warning.title and "还剩 60 天" in warning.body
    assert warning.dedupe_key == f"home_expiring:{world.home_a.id}:2026-12-31"

    # The next day Home B enters the window; Home A is not warned twice.
    run_ok("validity_watch", date(2026, 11, 2))
    assert [(n.user_id, n.dedupe_key) for n in notes("home_expiring")] == [
        (world.manager_a.id, f"home_expiring:{world.home_a.id}:2026-12-31"),
        (world.manager_b.id, f"home_expiring:{world.home_b.id}:2027-01-01"),
    ]
    before = state()
    run_ok("validity_watch", date(2026, 11, 2))
    assert state() == before


def test_validity_watch_expires_on_the_expiry_day_not_before(world):
    world.home_a.expires_on = date(2026, 12, 31)
    _db.session.commit()
    run_ok("validity_watch", date(2026, 12, 30))
    assert _db.session.get(Home, world.home_a.id).status == HomeStatus.ACTIVE

    run = run_ok("validity_watch", date(2026, 12, 31))
    assert run.counts["expired"] == 1
    assert _db.session.get(Home, world.home_a.id).status == HomeStatus.EXPIRED
    assert _db.session.get(Home, world.home_b.id).status == HomeStatus.ACTIVE
    assert [n.user_id for n in notes("home_expired")] == [world.manager_a.id]

    before = state()
    assert run_ok("validity_watch", date(2026, 12, 31)).counts["expired"] == 0
    assert state() == before


# ---------------------------------------------------------------- publicity_close

def _published(home, grade, end, year=2025):
    a = Assessment(home_id=home.id, year=year, status=AssessmentStatus.PUBLISHED, grade=grade,
                   total=Decimal("50") if grade == Grade.FAIL else Decimal("80"),
                   publicity_start=date(2026, 3, 1), publicity_end=end)
    _db.session.add(a)
    _db.session.flush()
    return a


def test_publicity_close_revokes_failed_home_after_the_window(world):
    _published(world.home_a, Grade.FAIL, date(2026, 3, 7))
    _published(world.home_b, Grade.GOOD, date(2026, 3, 7))
    _db.session.commit()

    run = run_ok("publicity_close", date(2026, 3, 7))     # last day of the window: nothing yet
    assert run.counts["closed"] == 0
    assert _db.session.get(Home, world.home_a.id).status == HomeStatus.ACTIVE

    run = run_ok("publicity_close", date(2026, 3, 8))
    assert run.counts == {"closed": 2, "failed": 1, "trigger": "cli"}
    assert _db.session.get(Home, world.home_a.id).status == HomeStatus.REVOKED
    assert _db.session.get(Home, world.home_b.id).status == HomeStatus.ACTIVE

    before = state()
    assert run_ok("publicity_close", date(2026, 3, 8)).counts["closed"] == 0
    assert state() == before


# ---------------------------------------------------------------- assessment_drafts

def test_assessment_drafts_on_january_5_for_active_homes_only_and_not_twice(world):
    expired = f.home(status=HomeStatus.EXPIRED)
    revoked = f.home(status=HomeStatus.REVOKED)
    existing = Assessment(home_id=world.home_b.id, year=2026, status=AssessmentStatus.FINAL)
    _db.session.add(existing)
    _db.session.commit()

    run = run_ok("assessment_drafts", date(2027, 1, 5))
    assert run.counts == {"year": 2026, "homes": 2, "created": 1, "skipped": 1, "trigger": "cli"}
    rows = list(_db.session.execute(sa.select(Assessment.home_id, Assessment.year,
                                              Assessment.status).order_by(Assessment.home_id)))
    assert (world.home_a.id, 2026, AssessmentStatus.DRAFT) in rows
    assert (world.home_b.id, 2026, AssessmentStatus.FINAL) in rows   # untouched
    assert not any(r[0] in (expired.id, revoked.id) for r in rows)
    draft = _db.session.scalar(sa.select(Assessment).where(Assessment.home_id == world.home_a.id))
    assert len(draft.items) == 7

    before = state()
    again = run_ok("assessment_drafts", date(2027, 1, 5))
    assert again.counts["created"] == 0 and again.counts["skipped"] == 2
    assert state() == before


# ---------------------------------------------------------------- runner: records and failures

def test_run_records_a_job_run(world):
    run = run_ok("validity_watch", date(2026, 11, 1))
    stored = _db.session.get(JobRun, run.id)
    assert stored.job_name == "validity_watch" and stored.as_of == date(2026, 11, 1)
    assert stored.status == JobStatus.SUCCESS and stored.error == ""
    assert stored.started_at <= stored.finished_at
    assert stored.counts["trigger"] == "cli"


def test_default_as_of_is_today_in_shanghai(world, monkeypatch):
    monkeypatch.setattr("services.clock.today", lambda: date(2030, 2, 3))
    assert run_job("publicity_close").as_of == date(2030, 2, 3)


def test_unknown_job_name():
    with pytest.raises(UnknownJob):
        run_job("no_such_job", date(2026, 1, 1))


def _boom(today):
    from models import User
    from services.notifications import notify
    user = _db.session.scalars(sa.select(User)).first()
    notify(user, "half_done", "不应留下")
    _db.session.flush()
    raise RuntimeError("数据库里出了怪事")


def test_failing_job_records_error_rolls_back_and_next_job_still_runs(world, monkeypatch):
    failing = schedule.ScheduledJob("boom", {"hour": 4}, _boom, "每天 04:00", "测试")
    monkeypatch.setattr(schedule, "JOBS", (*schedule.JOBS, failing))
    world.home_a.expires_on = date(2026, 12, 31)
    _db.session.commit()

    failed = run_job("boom", date(2026, 12, 31))
    assert failed.status == JobStatus.FAILED
    assert failed.finished_at is not None
    assert "RuntimeError: 数据库里出了怪事" in failed.error and "Traceback" in failed.error
    assert notes("half_done") == []                       # its work was rolled back

    nxt = run_job("validity_watch", date(2026, 12, 31))   # the next job is not affected
    assert nxt.status == JobStatus.SUCCESS
    assert _db.session.get(Home, world.home_a.id).status == HomeStatus.EXPIRED
    statuses = dict(_db.session.execute(sa.select(JobRun.job_name, JobRun.status)).all())
    assert statuses == {"boom": JobStatus.FAILED, "validity_watch": JobStatus.SUCCESS}


# ---------------------------------------------------------------- CLI

def test_cli_list_shows_every_job_with_next_and_last_run(app, world):
    run_ok("publicity_close", date(2026, 3, 8))
    result = app.test_cli_runner().invoke(args=["jobs", "list"])
    assert result.exit_code == 0, result.output
    for name in SPEC_TIMES:
        assert name in result.output
    assert "每周一 08:00" in result.output and "每年 1 月 5 日 03:00" in result.output
    assert "下次运行" in result.output
    assert "成功" in result.output and "从未运行" in result.output


def test_cli_run_with_today_prints_counts(app, world):
    world.home_a.expires_on = date(2026, 12, 31)
    _db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "run", "validity_watch",
                                                "--today", "2026-12-31"])
    assert result.exit_code == 0, result.output
    assert "成功" in result.output and "expired: 1" in result.output
    _db.session.expire_all()
    assert _db.session.get(Home, world.home_a.id).status == HomeStatus.EXPIRED
    run = _db.session.scalar(sa.select(JobRun))
    assert run.as_of == date(2026, 12, 31) and run.counts["trigger"] == "cli"


def test_cli_run_unknown_name_fails_clearly(app, db):
    result = app.test_cli_runner().invoke(args=["jobs", "run", "nope"])
    assert result.exit_code != 0
    assert "没有名为 nope 的任务" in result.output and "validity_watch" in result.output
    assert _db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0


def test_cli_run_bad_date_is_refused(app, db):
    result = app.test_cli_runner().invoke(args=["jobs", "run", "validity_watch",
                                                "--today", "2026-13-01"])
    assert result.exit_code != 0
    assert _db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0


def test_cli_run_failing_job_exits_non_zero(app, db, monkeypatch):
    failing = schedule.ScheduledJob("boom", {"hour": 4}, _boom, "每天 04:00", "测试")
    monkeypatch.setattr(schedule, "JOBS", (*schedule.JOBS, failing))
    f.admin()
    _db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "run", "boom", "--today", "2026-01-01"])
    assert result.exit_code == 1
    assert "失败" in result.output


def test_serve_honours_scheduler_enabled_false(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "SCHEDULER_ENABLED", False)
    result = app.test_cli_runner().invoke(args=["jobs", "serve"])
    assert result.exit_code == 0
    assert "SCHEDULER_ENABLED=false" in result.output


def test_scheduler_is_built_from_the_table(app):
    from jobs.cli import build_scheduler
    scheduler = build_scheduler(app)
    assert str(scheduler.timezone) == "Asia/Shanghai"
    assert scheduler._job_defaults == {"coalesce": True, "max_instances": 1,
                                       "misfire_grace_time": 3600}
    # Not started: the pending jobs are exactly the table's, each with its cron trigger.
    pending = {job.id: job for job, *_ in scheduler._pending_jobs}
    assert list(pending) == schedule.names()
    for job in schedule.JOBS:
        assert str(pending[job.name].trigger) == str(job.trigger())
    assert not scheduler.running


def test_web_app_does_not_start_a_scheduler(app):
    import threading
    assert not any("APScheduler" in t.name or "scheduler" in t.name.lower()
                   for t in threading.enumerate())
    assert "scheduler" not in app.extensions


def test_what_the_scheduler_fires_runs_the_job_in_its_own_app_context(app, world, monkeypatch):
    from jobs.cli import _fire
    monkeypatch.setattr("services.clock.today", lambda: date(2026, 3, 8))
    _fire(app, "publicity_close")
    _db.session.expire_all()
    run = _db.session.scalar(sa.select(JobRun))
    assert run.status == JobStatus.SUCCESS and run.as_of == date(2026, 3, 8)
    assert run.counts["trigger"] == "scheduler"
