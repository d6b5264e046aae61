"""Survey data for the survey tests: a body for POST /surveys and a published survey made
through the service (SPEC §5.10)."""
from datetime import date

from extensions import db
from services import surveys

OPENS, CLOSES = date(2026, 3, 1), date(2026, 3, 31)
INSIDE = date(2026, 3, 15)


def body(**overrides) -> dict:
    """A valid POST /surveys body with one question of each kind."""
    data = {
        "title": "2026年科技工作者状况调查", "intro": "请如实填写。",
        "opens_on": OPENS.isoformat(), "closes_on": CLOSES.isoformat(),
        "questions": [
            {"text": "您的工作单位类型", "kind": "single",
             "options": ["高校", "科研院所", "企业"], "required": True},
            {"text": "您最关心的问题", "kind": "multiple",
             "options": ["科研经费", "人才评价", "职业发展", "工作条件"], "required": True},
            {"text": "对科研环境的满意度", "kind": "scale", "required": True},
            {"text": "其他意见和建议", "kind": "text", "required": False},
        ],
    }
    data.update(overrides)
    return data


def published(admin, **overrides):
    """A published survey (committed) made by `admin`."""
    survey = surveys.create_survey(admin, body(**overrides))
    surveys.publish_survey(admin, survey)
    db.session.commit()
    return survey


def sheet(survey, single="高校", multiple=("科研经费",), scale=4, text=None) -> dict:
    """An answer sheet for the survey of `body()`."""
    q = survey.questions
    answers = {str(q[0].id): single, str(q[1].id): list(multiple), str(q[2].id): scale}
    if text is not None:
        answers[str(q[3].id)] = text
    return answers
