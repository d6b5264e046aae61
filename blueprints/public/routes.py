"""Routes of the public blueprint."""
from blueprints.public import bp  # noqa: F401
