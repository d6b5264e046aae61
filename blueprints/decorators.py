"""View decorators shared by the page blueprints."""
from functools import wraps

from flask_login import current_user, login_required

from services.scope import require_role


def roles_required(*roles):
    """Login required (302 to the login page), then one of `roles` (403 otherwise)."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            require_role(current_user, *roles)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def form_errors(form, error) -> None:
    """Attach a service's ValidationFailed/Conflict field messages to the WTForms fields they name."""
    for field_name, messages in error.fields.items():
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            form.form_errors.extend(messages)
    if error.message and not error.fields:
        form.form_errors.append(error.message)
