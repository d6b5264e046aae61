"""Routes of the applications blueprint."""
from blueprints.applications import bp  # noqa: F401
