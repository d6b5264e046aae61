"""Routes of the provincial blueprint."""
from blueprints.provincial import bp  # noqa: F401
