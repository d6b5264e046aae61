"""`flask jobs list | run NAME [--today D] | serve` (SPEC §7, §9)."""
import logging
import signal
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from extensions import db
from jobs import catch_up, schedule
from jobs.runner import run_job
from jobs.status import last_runs
from models.enums import JobStatus
from services.clock import local

log = logging.getLogger("rephome.jobs")


@click.group("jobs")
def jobs_group():
    """Scheduled jobs: list them, run one now, or serve the scheduler (its own process)."""


@jobs_group.command("list")
@with_appcontext
def list_command():
    """Each job with its schedule, next run and last result."""

    last = last_runs()
    for job in schedule.JOBS:
        nxt = job.next_run()
        run = last.get(job.name)
        if run is None:
            result = "从未运行"
        else:
            result = (f"{run.status.label}（{local(run.started_at):%Y-%m-%d %H:%M}，"
                      f"截至日期 {run.as_of.isoformat()}）")
        click.echo(f"{job.name:<20} {job.when:<16} 下次运行 {nxt:%Y-%m-%d %H:%M %Z}  上次：{result}")
        click.echo(f"{'':<20} {job.does}")


@jobs_group.command("run")
@click.argument("name")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="截至日期 YYYY-MM-DD（默认为上海时区的今天）")
@with_appcontext
def run_command(name, today):
    """Run one job now, under its lock, and print its counts."""

    if schedule.get(name) is None:
        raise click.ClickException(f"没有名为 {name} 的任务。可用的任务：{', '.join(schedule.names())}")
    run = run_job(name, today.date() if today else None, trigger="cli")
    click.echo(f"{name} 截至 {run.as_of.isoformat()}：{run.status.label}")
    for key, value in (run.counts or {}).items():
        click.echo(f"  {key}: {value}")
    if run.status != JobStatus.SUCCESS:
        click.echo(run.error, err=True)
        sys.exit(1)


def build_scheduler(app):
    """A BlockingScheduler in Asia/Shanghai with every job of the table (not started)."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED
    from apscheduler.schedulers.blocking import BlockingScheduler

    scheduler = BlockingScheduler(
        timezone=schedule.TIMEZONE,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600})
    for job in schedule.JOBS:
        scheduler.add_job(_fire, trigger=job.trigger(), args=[app, job.name], id=job.name,
                          name=job.name, replace_existing=True)

    def _event(event):
        log.error("scheduler event %s for job %s", event.code, event.job_id)

    scheduler.add_listener(_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    return scheduler


def _fire(app, name):
    """What the scheduler calls: run the job in a fresh app context, as of today in Shanghai."""

    with app.app_context():
        try:
            run = run_job(name, trigger="scheduler")
            log.info("%s as of %s: %s %s", name, run.as_of, run.status.value, run.counts or {})
        finally:
            db.session.remove()


def _catch_up():
    """Before the scheduler starts: run once each job whose latest scheduled run was missed."""

    try:
        for run in catch_up.catch_up():
            click.echo(f"  补运行 {run.job_name}（截至 {run.as_of.isoformat()}）：{run.status.label}")
    finally:
        db.session.remove()


@jobs_group.command("serve")
@with_appcontext
def serve_command():
    """Run the scheduler in this process until Ctrl-C (web workers never start one)."""
    app = current_app._get_current_object()
    if not app.config.get("SCHEDULER_ENABLED", True):
        click.echo("调度器已关闭（SCHEDULER_ENABLED=false），不启动。")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    scheduler = build_scheduler(app)
    click.echo(f"调度器已启动（{schedule.TIMEZONE}），共 {len(schedule.JOBS)} 个任务：")
    for job in schedule.JOBS:
        click.echo(f"  {job.name:<20} {job.when}，下次 {job.next_run():%Y-%m-%d %H:%M}")

    def _stop(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    _catch_up()
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        click.echo("调度器已停止。")
