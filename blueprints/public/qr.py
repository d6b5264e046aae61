"""代表码 pages (SPEC §5.5): a representative's public page /r/{code} with the appeal form, and
/track to follow an appeal by its receipt. No login; phone-first.

POST /r/{code} is limited per client address and code (PUBLIC_APPEAL_RATE_LIMIT, shared with the API); a
filled honeypot field is answered like an accepted appeal and stores nothing (the service decides).
Post/Redirect/Get: an accepted POST keeps the receipt in the browser's session and answers 303 to
/r/{code}/done, so reloading the receipt page (phones reload tabs) shows the same receipt and files nothing.
"""
from flask import redirect, render_template, request, session, url_for
from markupsafe import Markup

from blueprints.public import qr_bp as bp
from blueprints.web import commit_operation
from models.enums import AppealCategory, ObjectionDecision
from services import appeals, assessments, needs
from services.appeals import appeal_limit
from services.errors import NotFound, ValidationFailed
from services.receipts import normalize_receipt
from services.urls import public_url

FIELDS = ("category", "content", "name", "contact", appeals.HONEYPOT)
#: Session key of the last accepted appeal's receipt in this browser (see done()).
DONE_KEY = "appeal_done"


def page_url(code: str) -> str:
    """The absolute URL a 代表码 points to: on PUBLIC_BASE_URL when set, else on the address (and
    port) the browser used, as the trusted proxy reports it (services/urls.py)."""
    return public_url("qr.page", code=code)


@bp.route("/r/<code>", methods=["GET", "POST"])
@appeal_limit
def page(code):
    """The representative's public page; POST leaves an appeal and answers with the receipt."""
    rep = appeals.representative_by_code(code)
    values, errors, status = {}, {}, 200
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in FIELDS}
        outcome = commit_operation(lambda: appeals.submit_public_appeal(rep, values),
                                   failure=None, errors=(ValidationFailed,))
        if outcome:
            session[DONE_KEY] = {"code": rep.public_code, "receipt": outcome.value,
                                 "category": AppealCategory(values["category"]).label
                                 if values["category"] in AppealCategory.values() else ""}
            return redirect(url_for("qr.done", code=code), code=303)
        errors, status = outcome.error.fields, 422
    # segno writes only paths and our fixed title: no user text reaches this SVG.
    svg = Markup(appeals.qr_svg(page_url(code), scale=4))  # noqa: S704
    return render_template("public/qr_page.html", rep=rep, svg=svg, values=values,
                           errors=errors, categories=AppealCategory.choices(),
                           honeypot=appeals.HONEYPOT), status


@bp.route("/r/<code>/done")
def done(code):
    """The receipt page after an accepted appeal (GET; reloading it shows the same receipt and files
    nothing). The receipt comes from this browser's session: {"code", "receipt", "category"} set by the
    POST; without one for this code (another browser, or nothing filed) it goes back to the form."""
    rep = appeals.representative_by_code(code)
    kept = session.get(DONE_KEY)
    if not kept or kept.get("code") != rep.public_code:
        return redirect(url_for("qr.page", code=code))
    return render_template("public/qr_done.html", rep=rep, receipt=kept["receipt"],
                           category=kept.get("category", ""))


@bp.route("/track")
@appeals.receipt_limit
def track_form():
    """A form for the receipt; with ?receipt= it goes to that receipt's page."""
    typed = request.args.get("receipt", "")
    receipt = appeals.normalize_receipt(typed)
    if receipt:
        if needs.receipt_exists(receipt):  # 需求对接 receipts have their own page (§5.11)
            return redirect(url_for("need_public.track", receipt=receipt))
        if _tracked(receipt) is None:
            # A mistyped code stays on the form with the reason (still a 404: nothing revealed).
            return render_template("public/track_form.html", typed=typed,
                                   error="没有找到这个查询码，请核对后重新输入（不区分大小写）"), 404
        return redirect(url_for("qr.track", receipt=receipt))
    return render_template("public/track_form.html")


def _tracked(receipt: str):
    """("appeal", Appeal) or ("objection", Objection) for a receipt, or None (both kinds of
    receipt are typed into the same /track form)."""
    try:
        return "appeal", appeals.track_appeal(receipt)
    except NotFound:
        pass
    try:
        return "objection", assessments.track_objection(receipt)
    except NotFound:
        return None


@bp.route("/track/<receipt>")
@appeals.receipt_limit
def track(receipt):
    """What a receipt shows (404 if unknown): an appeal's category, status, dates and response
    (SPEC §5.5), or an objection's status and, once decided, the decision and response (§5.6)."""
    found = _tracked(receipt)
    if found is None:
        raise NotFound("查询码不存在")
    kind, row = found
    receipt = normalize_receipt(receipt)
    if kind == "objection":
        view = assessments.objection_public_view(row)
        return render_template("public/track_objection.html", receipt=receipt, objection=view,
                               decision=ObjectionDecision(view["decision"]).label
                               if view["decision"] else "")
    view = appeals.public_view(row)
    return render_template("public/track.html", receipt=receipt,
                           appeal=view, category=AppealCategory(view["category"]).label)
