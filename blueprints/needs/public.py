"""The public side of 需求对接 (SPEC §5.11), phone-first, no login: /needs/new files a need (?rep=
a 代表码 records that representative as a hint; ?city= preselects a city), /needs/new/done shows the receipt
after filing (Post/Redirect/Get: the receipt is kept in this browser's session), /needs/track finds a
receipt, /needs/track/{receipt} shows the progress and takes the one rating. Filing is limited
per client address (PUBLIC_APPEAL_RATE_LIMIT, shared with the API); a filled honeypot is answered
like an accepted need and stores nothing."""
from flask import redirect, render_template, request, session, url_for

from blueprints.needs import public_bp as bp
from blueprints.web import commit_operation
from models import User
from models.enums import JIANGSU_CITIES, NeedKind, NeedStatus
from services import appeals, needs
from services.errors import Conflict, NotFound, ValidationFailed
from services.needs import need_limit
from services.receipts import normalize_receipt

FIELDS = ("kind", "title", "description", "organization", "contact_name", "contact_mobile",
          "city", "field")
#: Session key of the last filed need's receipt in this browser.
DONE_KEY = "need_done"


def _hint(code: str):
    """The active representative of a 代表码, or None."""
    try:
        return appeals.representative_by_code(code) if code else None
    except NotFound:
        return None


@bp.route("/needs/new", methods=["GET", "POST"])
@need_limit
def new():
    """The form; POST files the need and sends the browser to its receipt page (303), so a reload
    shows the receipt again and files nothing; a refused form comes back with its fields (422)."""
    rep_code = request.values.get("rep", "")[:64]
    rep: User | None = _hint(rep_code)
    values = {k: "" for k in FIELDS}
    city = request.args.get("city", "")
    values["city"] = city if city in JIANGSU_CITIES else (
        rep.home.unit.city if rep is not None and rep.home.unit.city else "")
    values["kind"] = request.args.get("kind", "") if request.args.get("kind") in NeedKind.values() else ""
    errors, status = {}, 200
    if request.method == "POST":
        values = {k: request.form.get(k, "") for k in FIELDS}
        done = commit_operation(
            lambda: needs.file_need(values, hint_code=rep_code or None,
                                    honeypot=appeals.honeypot_filled(request.form)),
            failure=None, errors=(ValidationFailed,))
        if done:
            session[DONE_KEY] = done.value  # a honeypot's look-alike receipt too: nothing tells
            return redirect(url_for("need_public.done"), code=303)
        errors, status = done.error.fields, 422
    return render_template("needs/new.html", values=values, errors=errors, rep=rep,
                           rep_code=rep_code if rep is not None else "",
                           kinds=NeedKind.choices(), cities=JIANGSU_CITIES,
                           labels=needs.LABELS, honeypot=appeals.HONEYPOT), status


@bp.route("/needs/new/done")
def done():
    """The receipt of the need last filed in this browser (GET; a reload shows the same receipt),
    with a button to its progress; without one in the session it goes to the blank form."""
    receipt = session.get(DONE_KEY)
    if not receipt:
        return redirect(url_for("need_public.new"))
    return render_template("needs/done.html", receipt=receipt)


@bp.route("/needs/track")
@appeals.receipt_limit
def track_form():
    """A form for the receipt; with ?receipt= it goes to that receipt's page."""
    typed = request.args.get("receipt", "")
    receipt = normalize_receipt(typed)
    if receipt:
        try:
            needs.need_by_receipt(receipt)
        except NotFound:
            return render_template("needs/track_form.html", typed=typed,
                                   error="没有找到这个查询码，请核对后重新输入（不区分大小写）"), 404
        return redirect(url_for("need_public.track", receipt=receipt))
    return render_template("needs/track_form.html")


@bp.route("/needs/track/<receipt>", methods=["GET", "POST"])
@appeals.receipt_limit
def track(receipt):
    """The progress of a need (404 if unknown); POST rates a fulfilled need once."""
    need = needs.need_by_receipt(receipt)
    errors, status, typed = {}, 200, {}
    if request.method == "POST":
        typed = {"score": request.form.get("score", ""), "comment": request.form.get("comment", "")}
        done = commit_operation(lambda: needs.rate_need(need.receipt, typed), failure=None,
                                errors=(ValidationFailed, Conflict))
        if done:
            return redirect(url_for("need_public.track", receipt=need.receipt, rated=1))
        if isinstance(done.error, Conflict):
            errors, status = {"score": [done.error.message]}, 409
        else:
            errors, status = done.error.fields, 422
        need = needs.need_by_receipt(receipt)
    view = needs.public_view(need)
    return render_template("needs/track.html", receipt=need.receipt, view=view,
                           kind=NeedKind(view["kind"]).label,
                           status_label=NeedStatus(view["status"]).label,
                           can_rate=view["status"] == NeedStatus.FULFILLED.value,
                           errors=errors, typed=typed,
                           rated=request.args.get("rated") == "1"), status
