"""API resource: assessments (to be built by its issue)."""

bp = None
