"""API resource: activities (to be built by its issue)."""

bp = None
