"""API resource: applications (to be built by its issue)."""

bp = None
