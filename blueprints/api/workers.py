"""API resource: workers (to be built by its issue)."""

bp = None
