"""The scheduler catches up a run it missed while it was down (SPEC §7 last paragraph, issue 10 item 6)."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from extensions import db as _db
from jobs import locking, schedule
from jobs.catch_up import catch_up, latest_scheduled, missed
from models import Assessment, JobRun
from models.base import utcnow
from models.enums import AssessmentStatus, JobStatus
from services.clock import SHANGHAI


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def _done(name, as_of, status=JobStatus.SUCCESS):
    _db.session.add(JobRun(job_name=name, as_of=as_of, started_at=utcnow(), finished_at=utcnow(),
                           status=status, counts={}))
    _db.session.commit()


def _all_done_but(name, now):
    """Every other job already ran for its latest date: only `name` is in question."""
    for job in schedule.JOBS:
        if job.name != name:
            _done(job.name, latest_scheduled(job, now).date())


def _runs(name):
    return list(_db.session.scalars(sa.select(JobRun).where(JobRun.job_name == name)
                                    .order_by(JobRun.id)))


@pytest.mark.parametrize("name,now,expected", [
    ("assessment_drafts", at(2027, 1, 5, 3, 5), at(2027, 1, 5, 3, 0)),
    ("assessment_drafts", at(2027, 1, 5, 2, 59), at(2026, 1, 5, 3, 0)),
    ("assessment_drafts", at(2027, 1, 5, 3, 0), at(2027, 1, 5, 3, 0)),
    ("assessment_drafts", at(2029, 1, 4, 12, 0), at(2028, 1, 5, 3, 0)),   # a long outage
    ("compliance_sweep", at(2026, 11, 30, 1, 59), at(2026, 11, 29, 2, 0)),
    ("compliance_sweep", at(2026, 11, 30, 2, 1), at(2026, 11, 30, 2, 0)),
    ("inactivity_reminder", at(2026, 11, 30, 7, 0), at(2026, 11, 23, 8, 0)),  # Mondays
    ("inactivity_reminder", at(2026, 12, 2, 9, 0), at(2026, 11, 30, 8, 0)),
    ("publicity_close", at(2026, 3, 1, 0, 10), at(2026, 2, 28, 1, 30)),
])
def test_latest_scheduled_time_in_shanghai(name, now, expected):
    assert latest_scheduled(schedule.get(name), now) == expected


def test_latest_scheduled_time_from_another_time_zone(db):
    now = datetime(2027, 1, 4, 19, 5, tzinfo=UTC)  # 2027-01-05 03:05 in Shanghai
    assert latest_scheduled(schedule.get("assessment_drafts"), now) == at(2027, 1, 5, 3, 0)
    assert dict(missed(now))["assessment_drafts"].date() == date(2027, 1, 5)


def test_started_after_the_time_runs_the_missed_job_with_that_date(world):
    now = at(2027, 1, 5, 3, 5)
    _all_done_but("assessment_drafts", now)
    runs = catch_up(now)
    assert [(r.job_name, r.as_of, r.status) for r in runs] == [
        ("assessment_drafts", date(2027, 1, 5), JobStatus.SUCCESS)]
    assert runs[0].counts["trigger"] == "catch_up" and runs[0].counts["year"] == 2026
    drafts = _db.session.scalars(sa.select(Assessment).where(Assessment.year == 2026)).all()
    assert {a.home_id for a in drafts} == {world.home_a.id, world.home_b.id}
    assert all(a.status == AssessmentStatus.DRAFT for a in drafts)


def test_started_before_the_time_does_not_run_it_for_that_day(world):
    now = at(2027, 1, 5, 2, 59)
    _all_done_but("assessment_drafts", now)
    _done("assessment_drafts", date(2026, 1, 5))  # last year's was made on time
    assert catch_up(now) == []
    assert [r.as_of for r in _runs("assessment_drafts")] == [date(2026, 1, 5)]


def test_already_successful_run_is_not_repeated(world):
    now = at(2027, 1, 5, 3, 5)
    _all_done_but("assessment_drafts", now)
    _done("assessment_drafts", date(2027, 1, 5))
    assert catch_up(now) == []
    assert len(_runs("assessment_drafts")) == 1
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 0


def test_a_failed_run_does_not_count(world):
    now = at(2027, 1, 5, 3, 5)
    _all_done_but("assessment_drafts", now)
    _done("assessment_drafts", date(2027, 1, 5), status=JobStatus.FAILED)
    runs = catch_up(now)
    assert [(r.job_name, r.as_of, r.status) for r in runs] == [
        ("assessment_drafts", date(2027, 1, 5), JobStatus.SUCCESS)]


def test_only_the_latest_missed_occurrence_runs(world):
    """Down for three days: the daily job runs once, for the last day, not three times."""
    now = at(2026, 12, 3, 9, 0)
    _all_done_but("compliance_sweep", now)
    _done("compliance_sweep", date(2026, 11, 30))
    runs = catch_up(now)
    assert [(r.job_name, r.as_of) for r in runs] == [("compliance_sweep", date(2026, 12, 3))]


def test_every_job_with_no_run_is_caught_up_once(world):
    now = at(2027, 1, 5, 3, 5)
    daily = sorted(job.name for job in schedule.JOBS if not job.quiet)  # not the per-minute one
    assert sorted(name for name, _ in missed(now)) == daily
    runs = catch_up(now)
    assert sorted(r.job_name for r in runs) == daily
    assert all(r.status == JobStatus.SUCCESS for r in runs), [r.error for r in runs]
    assert catch_up(now) == []  # and not again


def test_catch_up_runs_under_the_lock(world):
    now = at(2027, 1, 5, 3, 5)
    _all_done_but("assessment_drafts", now)
    assert locking.acquire("assessment_drafts", "another-host:1")
    try:
        runs = catch_up(now)
    finally:
        locking.release("assessment_drafts", "another-host:1")
    assert [(r.job_name, r.status) for r in runs] == [("assessment_drafts", JobStatus.SKIPPED)]
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 0


def test_serve_catches_up_before_the_scheduler_starts(app, world, monkeypatch):
    import jobs.catch_up
    import jobs.cli

    calls = []

    class FakeScheduler:
        running = False

        def start(self):
            calls.append("start")

    monkeypatch.setitem(app.config, "SCHEDULER_ENABLED", True)
    monkeypatch.setattr(jobs.cli, "build_scheduler", lambda _app: FakeScheduler())
    real = jobs.catch_up.catch_up
    monkeypatch.setattr(jobs.catch_up, "catch_up",
                        lambda now=None: calls.append("catch_up") or real(at(2027, 1, 5, 3, 5)))
    import signal
    previous = signal.getsignal(signal.SIGTERM)
    try:
        result = app.test_cli_runner().invoke(args=["jobs", "serve"])
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert result.exit_code == 0, result.output
    assert calls == ["catch_up", "start"]
    assert "补运行 assessment_drafts（截至 2027-01-05）" in result.output
