"""Answering a survey without an account (SPEC §5.10).

- The public sees a published or closed survey (a draft or an unknown id is 404).
- An answer sheet is taken while the survey is published and opens_on ≤ today ≤ closes_on
  (Asia/Shanghai), else 409; a filled honeypot is answered as accepted and writes nothing.
- `rep_code` (a representative's public code) credits the response to that representative and
  their Home (unknown → 422 `rep_code`). A one-time `code` (required when the survey says so;
  unknown → 422 `code`, used → 409) decides the Home; a `rep_code` of another Home is then 422
  `rep_code`. The code is claimed by one conditional UPDATE, so it answers exactly once.
- An anonymous survey's response keeps no name, contact, address or code; no response keeps a
  client address, and none writes an audit entry (the counts are the record).
"""
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from extensions import db
from models import Survey, SurveyAnswer, SurveyResponse
from models.base import utcnow
from models.enums import SurveyStatus
from services import appeals, clock
from services.errors import Collector, Conflict, NotFound
from services.surveys.codes import claim, find_code
from services.surveys.fields import validate_answers
from services.surveys.operations import is_open, shown_status


def public_survey(survey_id) -> Survey:
    """A published or closed survey with its questions; NotFound for a draft or an unknown id."""
    try:
        survey_id = int(survey_id)
    except (TypeError, ValueError):
        raise NotFound("问卷不存在") from None
    survey = db.session.scalar(sa.select(Survey).options(selectinload(Survey.questions))
                               .where(Survey.id == survey_id,
                                      Survey.status != SurveyStatus.DRAFT))
    if survey is None:
        raise NotFound("问卷不存在")
    return survey


def public_view(survey: Survey) -> dict:
    """What anyone may read of a survey: title, intro, dates, status, whether it takes answers
    now, whether a code is needed, and the questions [{id, text, kind, options, required}]."""
    return {
        "id": survey.id, "title": survey.title, "intro": survey.intro,
        "opens_on": survey.opens_on, "closes_on": survey.closes_on,
        "anonymous": survey.anonymous, "code_required": survey.code_required,
        "status": shown_status(survey).value, "open": is_open(survey),
        "questions": [{"id": q.id, "text": q.text, "kind": q.kind.value,
                       "options": list(q.options), "required": q.required}
                      for q in survey.questions],
    }


def window_message(survey: Survey) -> str:
    """Why a survey takes no answers today (Chinese), or "" when it does."""
    today = clock.today()
    if survey.status == SurveyStatus.CLOSED or today > survey.closes_on:
        return "问卷已结束，感谢关注"
    if survey.status != SurveyStatus.PUBLISHED:
        return "问卷尚未发布"
    if today < survey.opens_on:
        return f"问卷将于 {survey.opens_on.isoformat()} 开始作答"
    return ""


def submit_response(survey: Survey, data: dict, *, honeypot: bool = False) -> bool:
    """Store one answer sheet `data` = {rep_code?, code?, answers}; True when stored, False for a
    honeypot (nothing written). Conflict outside the window or for a used code; ValidationFailed
    naming answers.<question_id>, rep_code or code."""
    if not is_open(survey):
        raise Conflict(window_message(survey) or "问卷当前不接受作答")
    if honeypot:
        return False
    errors = Collector()
    rows = validate_answers(survey.questions, data.get("answers"), errors)
    rep = _representative(errors, data.get("rep_code"))
    code = None
    typed = data.get("code")
    if typed not in (None, ""):
        code = find_code(survey, typed)
        if code is None:
            errors.add("code", "答题码不正确，请核对后重新输入")
    elif survey.code_required:
        errors.add("code", "本问卷凭一次性答题码作答，请填写答题码")
    if code is not None and rep is not None and rep.home_id != code.home_id:
        errors.add("rep_code", "代表码与答题码不属于同一个代表之家")
    errors.raise_if_any()
    if code is not None and (code.used_at is not None or not claim(code)):
        raise Conflict("该答题码已使用过，每个答题码只能作答一次")
    home_id = code.home_id if code is not None else (rep.home_id if rep is not None else None)
    response_id = db.session.execute(
        sa.insert(SurveyResponse).returning(SurveyResponse.id),
        [{"survey_id": survey.id, "home_id": home_id,
          "representative_id": rep.id if rep is not None else None,
          "code_id": code.id if code is not None and not survey.anonymous else None,
          "answered_at": utcnow()}]).scalar_one()
    if rows:
        db.session.execute(sa.insert(SurveyAnswer), [
            {"response_id": response_id, "question_id": r.question_id, "choice": r.choice,
             "number": r.number, "text": r.text} for r in rows])
    return True


def _representative(errors: Collector, rep_code):
    if rep_code in (None, ""):
        return None
    try:
        return appeals.representative_by_code(rep_code.strip() if isinstance(rep_code, str)
                                              else rep_code)
    except NotFound:
        errors.add("rep_code", "代表码不存在或已停用")
        return None
