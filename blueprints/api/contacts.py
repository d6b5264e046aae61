"""API resource: contacts (to be built by its issue)."""

bp = None
