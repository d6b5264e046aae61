"""Job runs and 'run now' for the provincial office."""
from flask import Blueprint

bp = Blueprint("jobs_admin", __name__, url_prefix="/admin/jobs")

from blueprints.jobs_admin import routes  # noqa: E402,F401
