"""The one commit path of a page: run one service operation, then commit and say so, or roll back
and show why — the same way in every view.

A view keeps its own parts (parse the form, check access, choose where to go next) and hands the
operation over as a callable:

    if form.validate_on_submit():
        if commit_operation(lambda: homes.update_profile(current_user, home, form.data),
                            form=form, success="基础条件已保存"):
            return redirect(...)
    return render_template(..., form=form), 422

Only the refusals a user can correct are caught (`ValidationFailed` and `Conflict` by default);
anything else propagates to the error handlers, which roll back and answer the Chinese page.
"""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash

from extensions import db
from services.errors import Conflict, ServiceError, ValidationFailed


@dataclass
class Outcome:
    """What `commit_operation` did: `value` is the operation's result when it was committed,
    `error` the refusal when it was rolled back. True when committed."""

    value: Any = None
    error: ServiceError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def __bool__(self) -> bool:
        return self.ok


def form_errors(form, error: ServiceError) -> None:
    """Attach a service's field messages to the WTForms fields they name; messages for fields the
    form does not have, and a message without fields, go to the form's own errors."""
    for field_name, messages in error.fields.items():
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            form.form_errors.extend(messages)
    if error.message and not error.fields:
        form.form_errors.append(error.message)


def error_messages(error: ServiceError) -> list[str]:
    """Every field message of a refusal, or its message when it names no field."""
    return [m for messages in error.fields.values() for m in messages] or [error.message]


def commit_operation(operation: Callable[[], Any], *, form=None,
                     success: str | Callable[[Any], str] | None = None,
                     failure: str | None = "",
                     errors: tuple[type[ServiceError], ...] = (ValidationFailed, Conflict)) -> Outcome:
    """Run `operation()` in the request's transaction and finish it.

    - It returns: commit; flash `success` ("success"; a callable gets the result); return
      Outcome(value=result).
    - It raises one of `errors`: roll back; with `form`, attach the messages to its fields
      (`form_errors`), else flash `failure` followed by the messages ("danger") — unless
      `failure` is None: then the caller shows `outcome.error` itself (a page that renders the
      fields' messages beside its inputs). Return Outcome(error=error). Nothing of the
      operation is kept.
    - `errors=()` is an operation with no refusal a user could correct: commit and flash.
    """
    try:
        value = operation()
    except errors as error:
        if error.keep_changes:  # a counted login failure stays counted
            db.session.commit()
        else:
            db.session.rollback()
        if form is not None:
            form_errors(form, error)
        elif failure is not None:
            flash(failure + "；".join(error_messages(error)), "danger")
        return Outcome(error=error)
    db.session.commit()
    if success:
        flash(success(value) if callable(success) else success, "success")
    return Outcome(value=value)
