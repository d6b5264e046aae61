"""What the operator sees of the jobs: each one's last run (one grouped query) and next run."""
import sqlalchemy as sa

from extensions import db
from models import JobRun


def last_runs() -> dict[str, JobRun]:
    """The latest run of every job that has run, by job name — one query."""
    latest = (sa.select(JobRun.job_name, sa.func.max(JobRun.id).label("id"))
              .group_by(JobRun.job_name).subquery())
    runs = db.session.scalars(sa.select(JobRun).join(latest, latest.c.id == JobRun.id))
    return {run.job_name: run for run in runs}
