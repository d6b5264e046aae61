"""Routes of the notifications blueprint."""
from blueprints.notifications import bp  # noqa: F401
