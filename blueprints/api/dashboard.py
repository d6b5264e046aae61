"""API resource: dashboard (to be built by its issue)."""

bp = None
