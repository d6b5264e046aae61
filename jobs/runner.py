"""Run one job under its lock and record a Job run (SPEC §7): the one way every trigger runs a job.

The scheduler, `flask jobs run` and the admin page's "立即运行" all call `run_job`. The job's work is
committed once, together with its successful run record; a failure rolls the work back and records
the error, and never propagates (the next job still runs). A run by hand — `run_by_hand` for a
signed-in user (the system administrator only, SPEC §5.13), `flask jobs run` for the operator — is
audited as `job_run` with its actor, in the transaction that records the run's outcome.
"""
import logging
import traceback
from datetime import date

from extensions import db
from jobs import locking, schedule
from models import JobRun
from models.base import utcnow
from models.enums import JobStatus, Role
from services import audit, clock
from services.scope import require_role

log = logging.getLogger("rephome.jobs")

#: How much of a traceback a failed run keeps.
ERROR_LIMIT = 4000
#: The triggers of a run by hand (audited with their actor).
BY_HAND = ("web", "cli")


class UnknownJob(LookupError):
    """No job of that name in the schedule table."""


def _error_text(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=8))
    summary = f"{type(exc).__name__}: {exc}"
    if len(text) > ERROR_LIMIT:
        text = text[-ERROR_LIMIT:]
    return f"{summary}\n\n{text}"


def run_by_hand(actor, name: str, today: date | None = None) -> JobRun:
    """A signed-in user runs the job `name` now (the page's "立即运行"): the system administrator
    only (Forbidden, 403, for every other role — before the name is looked up); UnknownJob for a
    name not in the schedule. Returns the JobRun as run_job does; the run is audited with `actor`."""
    require_role(actor, Role.SYSTEM_ADMIN)
    return run_job(name, today, trigger="web", actor=actor)


def _audit(run: JobRun, trigger: str, actor) -> None:
    """The `job_run` entry of a run by hand (written before the commit that records the outcome)."""
    if trigger not in BY_HAND:
        return
    audit.record(actor, "job_run", run,
                 result=audit.SUCCESS if run.status != JobStatus.FAILED else audit.FAILURE,
                 after={"job": run.job_name, "as_of": run.as_of.isoformat(),
                        "status": run.status.value},
                 detail={"trigger": trigger})


def run_job(name: str, today: date | None = None, *, trigger: str = "cli", actor=None) -> JobRun:
    """Run the job `name` for the as-of date `today` (default: today in Asia/Shanghai).

    Returns the JobRun: `success` with the job's counts, `failed` with the error text, or
    `skipped` when another process holds the job's lease. `trigger` says who started it
    (scheduler, catch_up, web, cli); `actor` the user of a run from the page (see run_by_hand,
    which checks the role).
    """
    if trigger == "web":
        require_role(actor, Role.SYSTEM_ADMIN)  # a page run is the system administrator's alone
    job = schedule.get(name)
    if job is None:
        raise UnknownJob(name)
    if today is None:
        today = clock.today()
    # End the caller's transaction first: the lease is taken on another connection, and on SQLite
    # an open write transaction here would block it.
    db.session.commit()

    owner = locking.new_owner()
    # A quiet job's idle minutes are not kept when the scheduler runs it; a run someone asked for
    # (the CLI, the page) is always recorded.
    unrecorded_if_idle = job.quiet and trigger == "scheduler"
    if not locking.acquire(name, owner):
        held = locking.holder(name)
        if unrecorded_if_idle:
            return JobRun(job_name=name, as_of=today, status=JobStatus.SKIPPED,
                          counts={"trigger": trigger})
        run = JobRun(job_name=name, as_of=today, started_at=utcnow(), finished_at=utcnow(),
                     status=JobStatus.SKIPPED, counts={"trigger": trigger},
                     error=f"任务正在由其他进程运行（{held.owner if held else '未知'}），本次跳过")
        db.session.add(run)
        _audit(run, trigger, actor)
        db.session.commit()
        log.info("job %s as of %s skipped: lease held by %s", name, today,
                 held.owner if held else "?")
        return run

    try:
        _close_orphans(name)
        run = JobRun(job_name=name, as_of=today, started_at=utcnow(), status=JobStatus.RUNNING,
                     counts={"trigger": trigger})
        db.session.add(run)
        db.session.commit()  # visible as "running" while the job works
        run_id = run.id
        try:
            counts = job.func(today) or {}
            run = db.session.get(JobRun, run_id)  # a job may commit as it goes (deliveries)
            run.counts = {**counts, "trigger": trigger}
            run.status = JobStatus.SUCCESS
            run.finished_at = utcnow()
            if unrecorded_if_idle and not counts.get("attempted"):
                return _forget(run)
            _audit(run, trigger, actor)
            db.session.commit()  # the job's work, its record and its audit entry, once
        except Exception as exc:  # a failing job must never stop the next one
            db.session.rollback()
            run = db.session.get(JobRun, run_id)
            run.status = JobStatus.FAILED
            run.error = _error_text(exc)
            run.finished_at = utcnow()
            _audit(run, trigger, actor)
            db.session.commit()
            log.exception("job %s as of %s failed", name, today)
            return run
        log.info("job %s as of %s succeeded: %s", name, today, run.counts)
        return run
    finally:
        locking.release(name, owner)


def _close_orphans(name: str) -> None:
    """Runs left `running` by a crashed process: we hold the lease now, so none is still alive."""
    import sqlalchemy as sa
    db.session.execute(
        sa.update(JobRun).where(JobRun.job_name == name, JobRun.status == JobStatus.RUNNING)
        .values(status=JobStatus.FAILED, finished_at=utcnow(),
                error="进程中断：运行未结束，租约过期后已由新的运行接管"))


def _forget(run: JobRun) -> JobRun:
    """A quiet job's idle run: its record is deleted with the commit; a detached copy answers."""
    copy = JobRun(job_name=run.job_name, as_of=run.as_of, started_at=run.started_at,
                  finished_at=run.finished_at, status=run.status, counts=dict(run.counts or {}))
    db.session.delete(run)
    db.session.commit()
    return copy
