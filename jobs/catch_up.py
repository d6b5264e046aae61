"""Catch-up on start (SPEC §7, last paragraph): a run missed while no scheduler ran is made once.

For each job of the table, the latest scheduled time (Asia/Shanghai) at or before `now` is found;
if no successful Job run has that time's date as its as-of date, the job runs once, now, with that
as-of date — only for the latest missed occurrence (a long outage still drafts the right year),
through run_job and so under the job's lock.
"""
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from extensions import db
from jobs import schedule
from jobs.runner import run_job
from models import JobRun
from models.enums import JobStatus
from services.clock import SHANGHAI

log = logging.getLogger("rephome.jobs")

# Look this far back for the latest scheduled time, widening until one is found (yearly jobs).
_WINDOWS = (timedelta(days=2), timedelta(days=8), timedelta(days=32), timedelta(days=367),
            timedelta(days=366 * 4 + 1))


def latest_scheduled(job: schedule.ScheduledJob, now: datetime) -> datetime | None:
    """The latest time at or before `now` when the scheduler fires `job` (Asia/Shanghai), or None."""
    trigger = job.trigger()
    for window in _WINDOWS:
        latest = None
        fire = trigger.get_next_fire_time(None, now - window)
        while fire is not None and fire <= now:
            latest = fire
            fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
        if latest is not None:
            return latest
    return None


def missed(now: datetime | None = None) -> list[tuple[str, "datetime"]]:
    """(job name, latest scheduled time) of each job with no successful run for that time's date."""

    now = (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI)
    out = []
    for job in schedule.JOBS:
        if job.quiet:  # runs every minute anyway: nothing to catch up
            continue
        latest = latest_scheduled(job, now)
        if latest is None:
            continue
        done = db.session.scalar(sa.select(JobRun.id).where(
            JobRun.job_name == job.name, JobRun.as_of == latest.date(),
            JobRun.status == JobStatus.SUCCESS).limit(1))
        if done is None:
            out.append((job.name, latest))
    return out


def catch_up(now: datetime | None = None) -> list[JobRun]:
    """Run each missed job once with its latest scheduled date as the as-of date; the runs made."""

    runs = []
    for name, latest in missed(now):
        run = run_job(name, latest.date(), trigger="catch_up")
        log.info("catch-up %s as of %s: %s", name, run.as_of, run.status.value)
        runs.append(run)
    return runs
