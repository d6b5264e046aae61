"""The sign-in page at the door (SPEC §5.9): /s/{code}, one phone screen, no login.

GET shows the activity's title and date with the form (name, mobile, unit, field, 我是科技工作者)
and the privacy line; POST signs in and answers the attendee number. An unknown code is 404; a
closed one shows 签到已结束 (409). POST is limited per client address and code (SIGNIN_RATE_LIMIT,
shared with the API); a filled honeypot is answered as accepted and stores nothing.
Post/Redirect/Get: an accepted sign-in keeps its number in the browser's session and answers 303 to
/s/{code}/done; reloading that page shows 您已签到（序号 N） and sends nothing again.
"""
from types import SimpleNamespace

from flask import redirect, render_template, request, session, url_for

from blueprints.signin import public_bp as bp
from blueprints.web import commit_operation
from services import signin
from services.errors import Conflict, ValidationFailed

FIELDS = ("name", "mobile", "work_unit", "field", signin.HONEYPOT)
#: Session key of this browser's last sign-in: {"code", "no", "created"}.
DONE_KEY = "signed_in"


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
            result = outcome.value
            session[DONE_KEY] = {"code": row.code, "no": result.attendee_no,
                                 "created": result.created}
            return redirect(url_for("signin_public.done", code=row.code), code=303)
        if isinstance(outcome.error, Conflict):
            return render_template("signin/door_closed.html", activity=activity), 409
        errors, status = outcome.error.fields, 422
    return render_template("signin/door.html", activity=activity, code=row.code, values=values,
                           errors=errors, honeypot=signin.HONEYPOT, privacy=_privacy()), status


@bp.route("/s/<code>/done")
def done(code):
    """The attendee number after signing in (GET). The first view says 签到成功 (or 您已签到 when the
    mobile had signed in before); a reload says 您已签到（序号 N） and sends nothing. Without a sign-in
    of this code in this browser's session it goes to the form (404 for an unknown code)."""
    row = signin.signin_by_code(code)
    kept = session.get(DONE_KEY)
    if not kept or kept.get("code") != row.code:
        return redirect(url_for("signin_public.page", code=row.code))
    created = kept.get("created", False)
    if created:
        session[DONE_KEY] = {**kept, "created": False}  # a reload: 您已签到
    return render_template("signin/door_done.html", activity=row.activity, privacy=_privacy(),
                           result=SimpleNamespace(attendee_no=kept["no"],
                                                  activity_title=row.activity.title, created=created))
