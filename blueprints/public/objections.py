"""异议受理 on the public results page (SPEC §5.6): anyone objects to a result during its window.

POST /public/results/objections is limited per address and assessment (PUBLIC_APPEAL_RATE_LIMIT,
shared with the API); 404 when the assessment is not published, 409 outside the window, 422 naming bad fields.
A filled honeypot field (hidden from people, filled by bots) is answered like an accepted
objection and stores nothing, as on the 代表码 form. Post/Redirect/Get: an accepted objection (or a
trapped bot's) keeps its receipt in the browser's session and answers 303 to the receipt page
/public/results/objections/done, so a reload files nothing.
"""
from flask import flash, redirect, render_template, request, session, url_for

from blueprints.public import bp
from blueprints.public.routes import results_context
from blueprints.web import commit_operation
from services import appeals, assessments
from services.appeals import objection_limit
from services.errors import ValidationFailed
from services.receipts import new_receipt

FIELDS = ("assessment_id", "name", "contact", "text")
#: Session key of the last accepted objection's receipt in this browser: {"receipt", "year"}.
DONE_KEY = "objection_done"


def _done(receipt: str, year: int):
    """Keep the receipt for this browser and send it to the receipt page (303)."""
    session[DONE_KEY] = {"receipt": receipt, "year": year}
    return redirect(url_for("public.objection_done"), code=303)


@bp.route("/results/objections", methods=["POST"])
@objection_limit
def objection_file():
    """File an objection from the results page's form."""
    values = {k: request.form.get(k, "") for k in FIELDS}
    if appeals.honeypot_filled(request.form):
        trapped = assessments.published_assessment(values["assessment_id"])  # 404 as for anyone
        return _done(new_receipt(), trapped.year)  # looks accepted; nothing is stored
    outcome = commit_operation(
        lambda: assessments.file_objection(values["assessment_id"], values), failure=None)
    if isinstance(outcome.error, ValidationFailed):  # the form again, its fields named
        context = results_context(request.args.get("year", type=int))
        return render_template("public/results.html", **context, values=values,
                               errors=outcome.error.fields), 422
    if outcome.error is not None:
        flash(outcome.error.message, "danger")
        return redirect(url_for("public.results"))
    return _done(outcome.value.receipt, outcome.value.assessment.year)


@bp.route("/results/objections/done")
def objection_done():
    """The receipt page after an accepted objection (GET; a reload shows the same receipt and files
    nothing), with a button to its progress on /track. Without a receipt in this browser's session
    it goes to the results page."""
    kept = session.get(DONE_KEY)
    if not kept:
        return redirect(url_for("public.results"))
    return render_template("public/objection_done.html", receipt=kept["receipt"],
                           year=kept.get("year"))
