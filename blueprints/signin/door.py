"""The sign-in page at the door (SPEC §5.9): /s/{code}, one phone screen, no login.

GET shows the activity's title and date with the form (name, mobile, unit, field, 我是科技工作者)
and the privacy line; POST signs in and answers the attendee number. An unknown code is 404; a
closed one shows 签到已结束 (409). POST is limited per client address and code (SIGNIN_RATE_LIMIT,
shared with the API); a filled honeypot is answered as accepted and stores nothing.
"""
from flask import render_template, request

from blueprints.signin import public_bp as bp
from blueprints.web import commit_operation
from services import signin
from services.errors import Conflict, ValidationFailed

FIELDS = ("name", "mobile", "work_unit", "field", signin.HONEYPOT)


def _privacy() -> dict:
    return {"days": signin.retention_days()}


@bp.route("/s/<code>", methods=["GET", "POST"])
@signin.signin_limit
def page(code):
    """The sign-in form of a code; POST signs in."""
    row = signin.signin_by_code(code)
    activity = row.activity
    if not signin.is_open(row):
        return render_template("signin/door_closed.html", activity=activity), 409
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in FIELDS}
        values["is_worker"] = request.form.get("is_worker") == "1"
        outcome = commit_operation(lambda: signin.sign_in(code, values), failure=None,
                                   errors=(ValidationFailed, Conflict))
        if outcome:
            return render_template("signin/door_done.html", activity=activity,
                                   result=outcome.value, privacy=_privacy()), \
                (201 if outcome.value.created else 200)
        if isinstance(outcome.error, Conflict):
            return render_template("signin/door_closed.html", activity=activity), 409
        errors, status = outcome.error.fields, 422
    return render_template("signin/door.html", activity=activity, code=row.code, values=values,
                           errors=errors, honeypot=signin.HONEYPOT, privacy=_privacy()), status
