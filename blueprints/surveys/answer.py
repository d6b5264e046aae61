"""The public answering page (SPEC §5.10): /q/{id} on a phone, no login. ?rep= carries a
representative's public code (their link and QR code), ?code= may carry a one-time code.

One page with every question and a progress bar; static/js/survey_answer.js keeps what was typed
in the browser's localStorage until the answers are accepted, so a dropped network loses nothing.
POST is limited per client address and survey (SURVEY_RATE_LIMIT, shared with the API); a filled
honeypot is answered like an accepted sheet and stores nothing. Post/Redirect/Get: accepted answers
(and a trapped bot's) answer 303 to /q/{id}/thanks, so reloading the thank-you page sends nothing again."""
from flask import redirect, render_template, request, session, url_for

from blueprints.surveys import public_bp as bp
from blueprints.web import commit_operation
from models.enums import QuestionKind
from services import appeals, surveys
from services.errors import Conflict, ValidationFailed
from services.surveys import response_limit

#: Session key: ids of the surveys (at most 20, newest last) this browser has answered.
DONE_KEY = "surveys_answered"


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


@bp.route("/q/<int:survey_id>", methods=["GET", "POST"])
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
            answered = [i for i in session.get(DONE_KEY, []) if i != survey.id][-19:]
            session[DONE_KEY] = [*answered, survey.id]
            return redirect(url_for("survey_public.thanks", survey_id=survey.id), code=303)
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


@bp.route("/q/<int:survey_id>/thanks")
def thanks(survey_id):
    """The thank-you page after accepted answers (GET; a reload sends nothing). Its page clears the
    answers the browser kept in localStorage. A browser that has not answered this survey is sent to
    the survey (404 for a survey that is not public)."""
    survey = surveys.public_survey(survey_id)
    if survey.id not in session.get(DONE_KEY, []):
        return redirect(url_for("survey_public.answer", survey_id=survey.id))
    return render_template("surveys/thanks.html", survey=survey, view=surveys.public_view(survey))
