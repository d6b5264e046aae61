"""View decorators shared by the page blueprints."""
from functools import wraps

from flask_login import current_user, login_required

from services.scope import require_role


def roles_required(*roles):
    """Login required (302 to the login page), then one of `roles` (403 otherwise). The roles are
    kept on the view as `allowed_roles`, so `may(endpoint)` in templates reads the same rule."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            require_role(current_user, *roles)
            return view(*args, **kwargs)
        wrapped.allowed_roles = frozenset(roles)
        return wrapped
    return decorator
