"""Routes of the rep blueprint."""
from blueprints.rep import bp  # noqa: F401
