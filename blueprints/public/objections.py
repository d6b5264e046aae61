"""异议受理 on the public results page (SPEC §5.6): anyone objects to a result during its window.

POST /public/results/objections is limited per address and assessment (PUBLIC_APPEAL_RATE_LIMIT,
shared with the API); 404 when the assessment is not published, 409 outside the window, 422 naming bad fields.
A filled honeypot field (hidden from people, filled by bots) is answered like an accepted
objection and stores nothing, as on the 代表码 form.
"""
from flask import flash, redirect, render_template, request, url_for

from blueprints.public import bp
from blueprints.public.routes import results_context
from blueprints.web import commit_operation
from services import appeals, assessments
from services.appeals import objection_limit
from services.errors import ValidationFailed
from services.receipts import new_receipt

FIELDS = ("assessment_id", "name", "contact", "text")
def accepted(receipt: str) -> str:
    """The message a filer sees, with the receipt they read the decision with on /track."""
    return (f"您的异议已受理，省科协办公室将予以核实并答复。请记下查询码 {receipt}，"
            f"可在“进度查询”页面（/track）凭查询码查看处理结果。")


@bp.route("/results/objections", methods=["POST"])
@objection_limit
def objection_file():
    """File an objection from the results page's form."""
    values = {k: request.form.get(k, "") for k in FIELDS}
    if appeals.honeypot_filled(request.form):
        trapped = assessments.published_assessment(values["assessment_id"])  # 404 as for anyone
        flash(accepted(new_receipt()), "success")  # looks accepted; nothing is stored
        return redirect(url_for("public.results", year=trapped.year))
    outcome = commit_operation(
        lambda: assessments.file_objection(values["assessment_id"], values),
        success=lambda objection: accepted(objection.receipt), failure=None)
    if isinstance(outcome.error, ValidationFailed):  # the form again, its fields named
        context = results_context(request.args.get("year", type=int))
        return render_template("public/results.html", **context, values=values,
                               errors=outcome.error.fields), 422
    if outcome.error is not None:
        flash(outcome.error.message, "danger")
        return redirect(url_for("public.results"))
    return redirect(url_for("public.results", year=outcome.value.assessment.year))
