"""API resource: appeals (to be built by its issue)."""

bp = None
