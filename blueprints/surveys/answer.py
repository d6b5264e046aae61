"""The public answering page (SPEC §5.10): /s/{id} on a phone, no login. ?rep= carries a
representative's public code (their link and QR code), ?code= may carry a one-time code.

One page with every question and a progress bar; static/js/survey_answer.js keeps what was typed
in the browser's localStorage until the answers are accepted, so a dropped network loses nothing.
POST is limited per client address and survey (SURVEY_RATE_LIMIT, shared with the API); a filled
honeypot is answered like an accepted sheet and stores nothing."""
from flask import render_template, request

from blueprints.surveys import public_bp as bp
from blueprints.web import commit_operation
from models.enums import QuestionKind
from services import appeals, surveys
from services.errors import Conflict, ValidationFailed
from services.surveys import response_limit


def _sheet(survey) -> dict:
    """The answers as the service takes them, from the form's q-<id> fields."""
    form = request.form
    answers = {}
    for q in survey.questions:
        name = f"q-{q.id}"
        if q.kind == QuestionKind.MULTIPLE:
            answers[str(q.id)] = form.getlist(name)
        elif q.kind == QuestionKind.SCALE:
            value = form.get(name, "").strip()
            answers[str(q.id)] = int(value) if value.isdigit() and len(value) < 3 else value
        else:
            answers[str(q.id)] = form.get(name, "")
    return answers


@bp.route("/s/<int:survey_id>", methods=["GET", "POST"])
@response_limit
def answer(survey_id):
    """The survey on a phone; POST stores the answers and thanks the person."""
    survey = surveys.public_survey(survey_id)
    view = surveys.public_view(survey)
    rep_code = request.values.get("rep", "")[:64]
    code = request.values.get("code", "")[:64]
    typed, errors, status, closed = {}, {}, 200, surveys.window_message(survey)
    if request.method == "POST" and not closed:
        typed = {k: request.form.getlist(k) for k in request.form if k.startswith("q-")}
        data = {"rep_code": rep_code or None, "code": code or None, "answers": _sheet(survey)}
        done = commit_operation(
            lambda: surveys.submit_response(survey, data,
                                            honeypot=appeals.honeypot_filled(request.form)),
            failure=None, errors=(ValidationFailed, Conflict))
        if done:
            return render_template("surveys/thanks.html", survey=survey, view=view)
        if isinstance(done.error, Conflict):
            status = 409
            closed = surveys.window_message(survey)
            if not closed:  # a used one-time code: the form stays, the code is named
                errors = {"code": [done.error.message]}
        else:
            errors, status = done.error.fields, 422
    elif request.method == "POST":
        status = 409
    return render_template("surveys/answer.html", survey=survey, view=view, rep_code=rep_code,
                           code=code, typed=typed, errors=errors, closed=closed,
                           honeypot=appeals.HONEYPOT, preview=False), status
