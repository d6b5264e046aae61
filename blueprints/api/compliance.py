"""API resource: compliance (to be built by its issue)."""

bp = None
