"""Routes of the manage blueprint."""
from blueprints.manage import bp  # noqa: F401
