"""Errors, answered the same way everywhere: Chinese pages for people, the SPEC §8 JSON for the API.

The modules import one way: `responses` (the two answer shapes) and `pending` (API field errors
waiting for the service's) are leaves; `lost_token` (a refused form keeps what was typed) and
`unavailable` (503 while the database or Redis is unreachable) build on `responses`; `handlers`
maps refusals, HTTP errors and bugs, using all of them.
"""
from blueprints.errors import handlers, lost_token, unavailable


def register(app) -> None:
    """Register every error handler of the app."""
    lost_token.register(app)
    unavailable.register(app)
    handlers.register(app)
