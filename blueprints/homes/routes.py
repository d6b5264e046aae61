"""Routes of the homes blueprint."""
from blueprints.homes import bp  # noqa: F401
