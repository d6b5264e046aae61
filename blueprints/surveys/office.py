"""The office's survey pages: the list with status, the builder (new and edit while a draft),
preview as a phone shows it, publish, close, copy, and one-time codes printed as slips.

The office (provincial_admin) writes; managers and representatives see the list of published and
closed surveys (drafts are the office's: 404 for others). Every write goes through
`commit_operation`; the services check roles before input (403) and status (409)."""
from flask import make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from blueprints.decorators import roles_required
from blueprints.print_views import printed_at
from blueprints.surveys import bp
from blueprints.surveys.builder import block_errors, blocks_of, read_form
from blueprints.web import commit_operation
from extensions import db
from models import Home
from models.enums import QuestionKind, Role, SurveyStatus
from services import clock, surveys
from services.errors import Conflict, ValidationFailed
from services.surveys import survey_values

READERS = (Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN, Role.HOME_MANAGER, Role.REPRESENTATIVE)


@bp.route("/")
@roles_required(*READERS)
def index():
    """Surveys with their shown status; the office sees drafts too and the actions."""
    rows = list(db.session.scalars(surveys.list_surveys(current_user).limit(200)))
    today = clock.today()
    return render_template("surveys/index.html", rows=rows, today=today,
                           shown=lambda s: surveys.shown_status(s, today),
                           office=current_user.role == Role.PROVINCIAL_ADMIN)


def _render_builder(survey, values, errors=None, status=200, extra=1):
    survey_errors, question_errors = block_errors(errors or {})
    return render_template(
        "surveys/builder.html", survey=survey, values=values,
        blocks=blocks_of(values.get("questions") or [], extra), errors=survey_errors,
        question_errors=question_errors, kinds=QuestionKind.choices(),
        max_questions=surveys.QUESTIONS_MAX), status


def _new_values() -> dict:
    today = clock.today()
    return {"title": "", "intro": "", "opens_on": today.isoformat(),
            "closes_on": today.replace(month=12, day=31).isoformat(), "anonymous": True,
            "code_required": False, "questions": []}


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def new():
    """The builder for a new draft (POST saves it; 添加题目 shows one more blank block)."""
    if request.method == "GET":
        return _render_builder(None, _new_values(), extra=3)
    data = read_form()
    if request.form.get("action") == "add":
        return _render_builder(None, data, extra=2)
    done = commit_operation(lambda: surveys.create_survey(current_user, data),
                            success="问卷草稿已保存", failure=None)
    if done:
        return redirect(url_for("surveys.edit", survey_id=done.value.id))
    return _render_builder(None, data, done.error.fields, 422)


@bp.route("/<int:survey_id>/edit", methods=["GET", "POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def edit(survey_id):
    """The builder of a draft; a published survey shows read-only (its questions are frozen)."""
    survey = surveys.get_survey(current_user, survey_id)
    if request.method == "GET":
        return _render_builder(survey, survey_values(survey))
    if survey.status != SurveyStatus.DRAFT:
        raise Conflict("问卷已发布，题目和设置不能再修改")
    data = read_form()
    if request.form.get("action") == "add":
        return _render_builder(survey, data, extra=2)
    done = commit_operation(lambda: surveys.update_survey(current_user, survey, data),
                            success="问卷已保存", failure=None)
    if done:
        if request.form.get("action") == "preview":
            return redirect(url_for("surveys.preview", survey_id=survey_id))
        return redirect(url_for("surveys.edit", survey_id=survey_id))
    return _render_builder(survey, data, done.error.fields, 422)


@bp.route("/<int:survey_id>/preview")
@roles_required(Role.PROVINCIAL_ADMIN)
def preview(survey_id):
    """The answering page as a phone shows it (390 px wide), without a submit."""
    survey = surveys.get_survey(current_user, survey_id)
    return render_template("surveys/preview.html", survey=survey,
                           view=surveys.public_view(survey))


def _action(survey_id, operation, success):
    survey = surveys.get_survey(current_user, survey_id)
    commit_operation(lambda: operation(current_user, survey), success=success,
                     failure="操作未完成：", errors=(Conflict, ValidationFailed))
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@bp.route("/<int:survey_id>/publish", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def publish(survey_id):
    """draft → published. No flash: the builder page it returns to says so itself (问卷已发布…,
    with the public link), so one message is shown, not two."""
    return _action(survey_id, surveys.publish_survey, None)


@bp.route("/<int:survey_id>/close", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def close(survey_id):
    """published → closed."""
    return _action(survey_id, surveys.close_survey, "问卷已结束")


@bp.route("/<int:survey_id>/copy", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def copy(survey_id):
    """A new draft from this survey, its dates one year on."""
    source = surveys.get_survey(current_user, survey_id)
    done = commit_operation(lambda: surveys.copy_survey(current_user, source),
                            success="已复制为新的问卷草稿（日期顺延一年），请检查后发布")
    if done:
        return redirect(url_for("surveys.edit", survey_id=done.value.id))
    return redirect(url_for("surveys.edit", survey_id=survey_id))


@bp.route("/<int:survey_id>/codes", methods=["GET", "POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def codes(survey_id):
    """Issue one-time codes for a Home; they are shown once, as printable slips."""
    survey = surveys.get_survey(current_user, survey_id)
    homes = db.session.execute(db.select(Home.id, Home.name).order_by(Home.name)).all()
    values, errors, status = {"home_id": "", "count": "50"}, {}, 200
    if request.method == "POST":
        values = {"home_id": request.form.get("home_id", ""),
                  "count": request.form.get("count", "")}
        done = commit_operation(lambda: surveys.issue_codes(current_user, survey, values),
                                failure=None)
        if done:
            home, issued = done.value
            url = surveys.survey_url(survey.id)
            # segno writes only paths and a fixed title: no user text reaches this SVG.
            svg = Markup(surveys.survey_qr_svg(url, scale=2))  # noqa: S704
            response = make_response(render_template(
                "surveys/slips.html", survey=survey, home=home, url=url, svg=svg,
                codes=[surveys.display_code(c) for c in issued], printed_at=printed_at(),
                back_url=url_for("surveys.codes", survey_id=survey.id)))
            response.headers["Cache-Control"] = "no-store"
            return response
        errors, status = done.error.fields or {"form": [done.error.message]}, \
            409 if isinstance(done.error, Conflict) else 422
    return render_template("surveys/codes.html", survey=survey, homes=homes, values=values,
                           errors=errors, issued=surveys.code_counts(survey),
                           count_max=surveys.COUNT_MAX), status
