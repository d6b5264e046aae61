"""Catch-up at scheduler start (SPEC §7): a job whose latest scheduled time has passed with no
successful Job run for that date (e.g. while no scheduler ran) runs once, as of that date.

`flask jobs serve` calls `catch_up` before it starts the scheduler. Each run goes through
run_job, so the database lease still keeps two starting schedulers from running a job twice, and a
second start finds the successful run and does nothing.
"""
from datetime import datetime, timedelta

import sqlalchemy as sa

from extensions import db
from jobs import schedule
from models import JobRun
from models.enums import JobStatus

#: How far back to look for a job's latest fire time: a day, a week, then a year and a day.
_LOOKBACK = (timedelta(days=2), timedelta(days=8), timedelta(days=367))


def latest_fire_time(job: schedule.ScheduledJob, now: datetime) -> datetime | None:
    """The job's latest scheduled time at or before `now` (Asia/Shanghai), or None."""
    trigger = job.trigger()
    for back in _LOOKBACK:
        fire = trigger.get_next_fire_time(None, now - back)
        latest = None
        while fire is not None and fire <= now:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if latest is not None:
            return latest
    return None


def missed(now: datetime | None = None) -> list[tuple[str, object]]:
    """[(job name, as-of date)] of jobs whose latest scheduled date has no successful run — one
    query for all jobs."""
    from services.clock import SHANGHAI
    now = now or datetime.now(SHANGHAI)
    due = {}
    for job in schedule.JOBS:
        fire = latest_fire_time(job, now)
        if fire is not None:
            due[job.name] = fire.astimezone(SHANGHAI).date()
    if not due:
        return []
    done = set(db.session.execute(
        sa.select(JobRun.job_name, JobRun.as_of).where(
            JobRun.status == JobStatus.SUCCESS, JobRun.job_name.in_(list(due)),
            JobRun.as_of.in_(set(due.values())))).all())
    return [(name, day) for name, day in due.items() if (name, day) not in done]


def catch_up(now: datetime | None = None, *, trigger: str = "catch_up") -> list:
    """Run every missed job once as of its missed date, in table order; the JobRuns."""
    from jobs.runner import run_job
    return [run_job(name, day, trigger=trigger) for name, day in missed(now)]
