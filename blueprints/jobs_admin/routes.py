"""Routes of the jobs_admin blueprint."""
from blueprints.jobs_admin import bp  # noqa: F401
