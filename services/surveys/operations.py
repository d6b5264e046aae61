"""A survey's life (SPEC §5.10): created as a draft by the office, edited while a draft (409
after), published (then frozen), closed by hand — or, in effect, once `closes_on` has passed
(`shown_status`); copied from an earlier survey as the start of a new draft.

Every operation takes the acting user first, checks the role before the input, locks the survey
row before it checks the status, writes an audit entry and never commits.
"""
from datetime import date

import sqlalchemy as sa

from extensions import db
from models import Survey, SurveyQuestion
from models.base import utcnow
from models.enums import SurveyStatus
from services import audit, clock
from services.concurrency import lock
from services.errors import Conflict, ValidationFailed
from services.scope import require_role
from services.surveys.access import READERS, require_admin, visible_clause
from services.surveys.fields import SURVEY_FIELDS, validate_survey


def shown_status(survey: Survey, today: date | None = None) -> SurveyStatus:
    """The status a person sees: a published survey past its `closes_on` (Asia/Shanghai) is
    shown as closed, and answers nothing, even before anyone closes it by hand."""
    today = today or clock.today()
    if survey.status == SurveyStatus.PUBLISHED and today > survey.closes_on:
        return SurveyStatus.CLOSED
    return survey.status


def is_open(survey: Survey, today: date | None = None) -> bool:
    """True while the survey takes answers: published and opens_on ≤ today ≤ closes_on."""
    today = today or clock.today()
    return survey.status == SurveyStatus.PUBLISHED and survey.opens_on <= today <= survey.closes_on


def survey_values(survey: Survey) -> dict:
    """The survey as `validate_survey` takes it (the base of a partial edit or a copy)."""
    return {
        "title": survey.title, "intro": survey.intro, "opens_on": survey.opens_on,
        "closes_on": survey.closes_on, "anonymous": survey.anonymous,
        "code_required": survey.code_required,
        "questions": [{"text": q.text, "kind": q.kind.value, "options": list(q.options),
                       "required": q.required} for q in survey.questions],
    }


def _questions(clean: list[dict]) -> list[SurveyQuestion]:
    return [SurveyQuestion(position=i, text=q["text"], kind=q["kind"], options=q["options"],
                           required=q["required"]) for i, q in enumerate(clean, start=1)]


def _snapshot(survey: Survey) -> dict:
    values = audit.snapshot(survey)
    values["questions"] = [{"text": q.text, "kind": q.kind.value, "options": list(q.options),
                            "required": q.required} for q in survey.questions]
    return values


def create_survey(actor, data: dict) -> Survey:
    """A new draft survey from SPEC §5.10's fields; ValidationFailed naming each bad field."""
    require_admin(actor)
    clean = validate_survey(data)
    survey = Survey(title=clean["title"], intro=clean["intro"], opens_on=clean["opens_on"],
                    closes_on=clean["closes_on"], anonymous=clean["anonymous"],
                    code_required=clean["code_required"], status=SurveyStatus.DRAFT,
                    created_by_id=actor.id, questions=_questions(clean["questions"]))
    db.session.add(survey)
    db.session.flush()
    audit.record(actor, "create", survey, after=_snapshot(survey))
    return survey


def update_survey(actor, survey: Survey, data: dict) -> Survey:
    """Change the fields given in `data` (the others stay; `questions`, when given, replaces
    every question) while the survey is a draft; Conflict (409) once published."""
    require_admin(actor)
    survey = lock(survey)
    if survey.status != SurveyStatus.DRAFT:
        raise Conflict("问卷已发布，题目和设置不能再修改")
    if not isinstance(data, dict):
        raise ValidationFailed({"body": "请求体必须是 JSON 对象"})
    before = _snapshot(survey)
    merged = survey_values(survey)
    merged.update({k: data[k] for k in SURVEY_FIELDS if k in data})
    clean = validate_survey(merged)
    for key in SURVEY_FIELDS[:-1]:
        setattr(survey, key, clean[key])
    if "questions" in data:
        survey.questions = _questions(clean["questions"])
    db.session.flush()
    audit.record(actor, "update", survey, before=before, after=_snapshot(survey))
    return survey


def publish_survey(actor, survey: Survey) -> Survey:
    """draft → published (its questions are frozen from now on); Conflict otherwise."""
    require_admin(actor)
    survey = lock(survey)
    if survey.status != SurveyStatus.DRAFT:
        raise Conflict("只有草稿状态的问卷可以发布")
    survey.status = SurveyStatus.PUBLISHED
    survey.published_at = utcnow()
    audit.record(actor, "publish", survey)
    return survey


def close_survey(actor, survey: Survey) -> Survey:
    """published → closed (no more answers); Conflict otherwise."""
    require_admin(actor)
    survey = lock(survey)
    if survey.status != SurveyStatus.PUBLISHED:
        raise Conflict("只有已发布的问卷可以结束")
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = utcnow()
    audit.record(actor, "close", survey)
    return survey


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def copy_survey(actor, source: Survey) -> Survey:
    """A new draft with `source`'s title, intro, settings and questions, its dates moved one
    year on (last year's survey as the start of this year's)."""
    require_admin(actor)
    values = survey_values(source)
    values["opens_on"] = _next_year(source.opens_on)
    values["closes_on"] = _next_year(source.closes_on)
    survey = create_survey(actor, values)
    survey.copied_from_id = source.id
    return survey


def list_surveys(actor):
    """A select of the surveys `actor` may see, newest first (403 for roles without surveys)."""
    require_role(actor, *READERS)
    return sa.select(Survey).where(visible_clause(actor)).order_by(
        Survey.opens_on.desc(), Survey.id.desc())


def open_surveys(today: date | None = None) -> list[Survey]:
    """The surveys taking answers today (for a representative's 我的 page) — one query."""
    today = today or clock.today()
    return list(db.session.scalars(
        sa.select(Survey)
        .where(Survey.status == SurveyStatus.PUBLISHED, Survey.opens_on <= today,
               Survey.closes_on >= today).order_by(Survey.closes_on, Survey.id)))


def survey_choices() -> list[Survey]:
    """Published and closed surveys, newest first (the activity form's survey picker)."""
    return list(db.session.scalars(
        sa.select(Survey).where(Survey.status != SurveyStatus.DRAFT)
        .order_by(Survey.opens_on.desc(), Survey.id.desc()).limit(200)))
