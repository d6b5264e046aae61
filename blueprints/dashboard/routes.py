"""Routes of the dashboard blueprint."""
from blueprints.dashboard import bp  # noqa: F401
