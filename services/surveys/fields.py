"""The fields of a survey and of an answer sheet (SPEC §5.10), checked into one Collector.

A survey: title (1–100), intro (≤ 2000), opens_on ≤ closes_on, anonymous (default true),
code_required (default false), questions: 1–50 items {text (1–500), kind single | multiple | text |
scale, options (2–20 distinct non-empty texts of ≤ 200 characters, single and multiple only),
required (default true)}. Bad fields are named `title`, `questions.<index>.options`, ….

An answer sheet {question_id: value}: single — one of the options; multiple — a list of distinct
options (non-empty when required); text — 1–2000 characters; scale — an integer 1–5. A required
question left out, a bad value or an id that is no question of the survey is named
`answers.<question_id>`. This module is the family's leaf: it imports nothing of services.surveys.
"""
from dataclasses import dataclass

from models.enums import QuestionKind
from services import validation as v
from services.errors import Collector
from services.input_rules import has_forbidden_chars, normalise_newlines

TITLE_MAX = 100
INTRO_MAX = 2000
QUESTIONS_MIN, QUESTIONS_MAX = 1, 50
QUESTION_TEXT_MAX = 500
OPTIONS_MIN, OPTIONS_MAX = 2, 20
OPTION_MAX = 200
ANSWER_TEXT_MAX = 2000
SCALE_MIN, SCALE_MAX = 1, 5
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
SURVEY_FIELDS = ("title", "intro", "opens_on", "closes_on", "anonymous", "code_required",
                 "questions")
LABELS = {"title": "问卷标题", "intro": "问卷说明", "opens_on": "开始日期", "closes_on": "截止日期",
          "anonymous": "匿名", "code_required": "凭一次性答题码作答", "questions": "题目"}


@dataclass(frozen=True)
class AnswerRow:
    """One stored value of an answer: an option's text, a scale point or a text."""

    question_id: int
    choice: str | None = None
    number: int | None = None
    text: str | None = None


def _flag(errors: Collector, data: dict, field: str, default: bool) -> bool:
    value = data.get(field, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        errors.add(field, f"{LABELS[field]}必须是 true 或 false")
        return default
    return value


def _plain(errors: Collector, data: dict, field: str, label: str, **kw) -> str:
    value = v.text(errors, data, field, label, **kw)
    if has_forbidden_chars(value):
        errors.add(field, f"{label}不能包含控制字符")
    return normalise_newlines(value)


def validate_survey(data: dict) -> dict:
    """The clean survey fields (SURVEY_FIELDS; `questions` a list of dicts text, kind, options,
    required); raises ValidationFailed naming every bad field."""
    errors = Collector()
    out = {
        "title": _plain(errors, data, "title", LABELS["title"], max_len=TITLE_MAX),
        "intro": _plain(errors, data, "intro", LABELS["intro"], required=False,
                        max_len=INTRO_MAX),
        "opens_on": v.a_date(errors, data, "opens_on", LABELS["opens_on"]),
        "closes_on": v.a_date(errors, data, "closes_on", LABELS["closes_on"]),
        "anonymous": _flag(errors, data, "anonymous", True),
        "code_required": _flag(errors, data, "code_required", False),
    }
    if out["opens_on"] and out["closes_on"] and out["closes_on"] < out["opens_on"]:
        errors.add("closes_on", "截止日期不能早于开始日期")
    out["questions"] = _questions(errors, data.get("questions"))
    errors.raise_if_any()
    return out


def _questions(errors: Collector, items) -> list[dict]:
    if not isinstance(items, list):
        errors.add("questions", "题目必须是列表" if items is not None else "请至少添加一道题目")
        return []
    if not QUESTIONS_MIN <= len(items) <= QUESTIONS_MAX:
        errors.add("questions", f"题目应为{QUESTIONS_MIN}到{QUESTIONS_MAX}道（当前{len(items)}道）")
        return []
    out = []
    for index, item in enumerate(items):
        key = f"questions.{index}"
        if not isinstance(item, dict):
            errors.add(key, f"第{index + 1}题格式不正确")
            continue
        label = f"第{index + 1}题"
        sub = Collector()
        text = _plain(sub, item, "text", f"{label}题干", max_len=QUESTION_TEXT_MAX)
        kind = v.choice(sub, item, "kind", f"{label}题型", QuestionKind)
        options = _options(sub, item.get("options"), kind, label)
        required = item.get("required", True)
        if not isinstance(required, bool):
            sub.add("required", f"{label}“必答”必须是 true 或 false")
            required = True
        for field, messages in sub.fields.items():
            for message in messages:
                errors.add(f"{key}.{field}", message)
        out.append({"text": text, "kind": kind, "options": options, "required": required})
    return out


def _options(errors: Collector, options, kind, label: str) -> list[str]:
    if kind not in CHOICE_KINDS:
        if options not in (None, []):
            errors.add("options", f"{label}：只有单选题和多选题有选项")
        return []
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        errors.add("options", f"{label}的选项必须是文本列表")
        return []
    clean = [o.strip() for o in options]
    if not OPTIONS_MIN <= len(clean) <= OPTIONS_MAX:
        errors.add("options", f"{label}应有{OPTIONS_MIN}到{OPTIONS_MAX}个选项（当前{len(clean)}个）")
    elif any(not o for o in clean):
        errors.add("options", f"{label}有空白选项")
    elif any(len(o) > OPTION_MAX or has_forbidden_chars(o) for o in clean):
        errors.add("options", f"{label}的每个选项不能超过{OPTION_MAX}个字符，也不能含控制字符")
    elif len(set(clean)) != len(clean):
        errors.add("options", f"{label}的选项不能重复")
    return clean


def validate_answers(questions, answers, errors: Collector) -> list[AnswerRow]:
    """The rows to store for an answer sheet `answers` ({question id (str or int): value}) of
    `questions` (objects with id, kind, options, required); bad values go to `errors` as
    `answers.<question_id>` (or `answers` when the sheet is not an object)."""
    if not isinstance(answers, dict):
        errors.add("answers", "答案必须是对象：{题目编号: 答案}")
        return []
    by_id = {str(q.id): q for q in questions}
    for key in answers:
        if str(key) not in by_id:
            errors.add(f"answers.{key}", "不是本问卷的题目")
    given = {str(k): value for k, value in answers.items()}
    rows: list[AnswerRow] = []
    for position, question in enumerate(questions, start=1):
        key = f"answers.{question.id}"
        value = given.get(str(question.id))
        rows.extend(_answer(errors, key, question, value, position))
    return rows


def _blank(value) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _answer(errors: Collector, key: str, question, value, position: int) -> list[AnswerRow]:
    if _blank(value):
        if question.required:
            errors.add(key, f"第{position}题为必答题")
        return []
    kind = question.kind
    if kind == QuestionKind.SINGLE:
        if not isinstance(value, str) or value not in question.options:
            errors.add(key, f"第{position}题的答案必须是它的一个选项")
            return []
        return [AnswerRow(question.id, choice=value)]
    if kind == QuestionKind.MULTIPLE:
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            errors.add(key, f"第{position}题的答案必须是选项列表")
            return []
        if len(set(value)) != len(value):
            errors.add(key, f"第{position}题的选项不能重复选择")
            return []
        if any(x not in question.options for x in value):
            errors.add(key, f"第{position}题只能选择它的选项")
            return []
        return [AnswerRow(question.id, choice=x) for x in value]
    if kind == QuestionKind.SCALE:
        if isinstance(value, bool) or not isinstance(value, int) \
                or not SCALE_MIN <= value <= SCALE_MAX:
            errors.add(key, f"第{position}题的答案必须是{SCALE_MIN}到{SCALE_MAX}的整数")
            return []
        return [AnswerRow(question.id, number=value)]
    if not isinstance(value, str):
        errors.add(key, f"第{position}题的答案必须是文本")
        return []
    text = normalise_newlines(value.strip())
    if len(text) > ANSWER_TEXT_MAX:
        errors.add(key, f"第{position}题的答案不能超过{ANSWER_TEXT_MAX}个字符（当前{len(text)}个）")
        return []
    if has_forbidden_chars(text):
        errors.add(key, f"第{position}题的答案不能包含控制字符")
        return []
    return [AnswerRow(question.id, text=text)]
