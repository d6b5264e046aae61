"""Job runs for the provincial office: filter by job and status, read errors, run a job now."""
from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.decorators import roles_required
from blueprints.jobs_admin import bp
from blueprints.jobs_admin.labels import JOB_LABELS, count_label, count_value
from blueprints.web import keyset_pager
from jobs import schedule
from models import JobRun
from models.enums import JobStatus, Role

ADMIN = Role.PROVINCIAL_ADMIN
PER_PAGE = 30


@bp.route("/")
@roles_required(ADMIN, Role.SYSTEM_ADMIN)
def runs():
    """The jobs with their schedule, next and last run; then the runs, newest first."""
    from jobs.status import last_runs

    job = request.args.get("job", "")
    status = request.args.get("status", "")
    stmt = sa.select(JobRun)
    if job in schedule.names():
        stmt = stmt.where(JobRun.job_name == job)
    else:
        job = ""
    if status in JobStatus.values():
        stmt = stmt.where(JobRun.status == status)
    else:
        status = ""
    page = keyset_pager(stmt.order_by(JobRun.started_at.desc(), JobRun.id.desc()), PER_PAGE)
    return render_template("jobs_admin/runs.html", page=page, job=job, status=status,
                           jobs=schedule.JOBS, last=last_runs(), job_labels=JOB_LABELS,
                           count_label=count_label, count_value=count_value)


@bp.route("/<name>/run", methods=["POST"])
@roles_required(Role.SYSTEM_ADMIN)
def run_now(name):
    """Run one job now, synchronously, under its lock (as of today or the date given): the system
    administrator's work (SPEC §5.13); the office only reads the runs."""
    from jobs.runner import run_by_hand

    if schedule.get(name) is None:
        abort(404)
    raw = (request.form.get("today") or "").strip()
    as_of = None
    if raw:
        try:
            as_of = date.fromisoformat(raw)
        except ValueError:
            flash("截至日期格式应为 YYYY-MM-DD", "danger")
            return redirect(url_for("jobs_admin.runs", job=name))
    run = run_by_hand(current_user, name, as_of)
    label = JOB_LABELS.get(name, name)
    if run.status == JobStatus.SUCCESS:
        flash(f"{label}（截至 {run.as_of.isoformat()}）运行成功", "success")
    elif run.status == JobStatus.SKIPPED:
        flash(f"{label} 正在由其他进程运行，本次已跳过", "warning")
    else:
        flash(f"{label} 运行失败：{run.error.splitlines()[0] if run.error else ''}", "danger")
    return redirect(url_for("jobs_admin.runs", job=name))
