"""Public activity reports (报道): verified, published activities."""
from blueprints.public import bp  # noqa: F401
