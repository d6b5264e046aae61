"""What a survey found (SPEC §5.10): counts per option, averages of scale questions, how many
answered each question, completion per Home and per representative, and the raw answers.

Every figure is a GROUP BY in SQL: a results page costs the same few statements whatever the
number of responses. Scope (services/surveys/access.py, `results_scope`): the office reads the
province, a city or any Home; a city admin its city (the sum over its Homes) or one of its Homes; a
manager their own Home.
"""
from dataclasses import dataclass

import sqlalchemy as sa

from extensions import db
from models import Home, Survey, SurveyAnswer, SurveyResponse, User
from models.enums import HomeStatus, QuestionKind, Role
from services import audit
from services.surveys.access import ResultScope, results_scope
from services.surveys.fields import CHOICE_KINDS, SCALE_MAX, SCALE_MIN

MAX_PER_PAGE = 100


def _responses(survey: Survey, scope: ResultScope):
    return [SurveyResponse.survey_id == survey.id, *scope.where(SurveyResponse.home_id)]


def results(actor, survey: Survey, home_id=None, city=None) -> dict:
    """{responses, home_id, city, questions: [{id, text, kind, counts, average, answered}]} of the
    scope `results_scope(actor, home_id, city)` gives (home_id and city None: the province).

    counts: {option: n} for single and multiple (every option, 0 included) and {"1".."5": n} for
    scale; average: the mean of a scale question's answers (None when none); answered: the
    responses that answered the question. Text answers are in the export only. Three statements.
    """
    scope = results_scope(actor, home_id, city)
    where = _responses(survey, scope)
    total = db.session.scalar(sa.select(sa.func.count(SurveyResponse.id)).where(*where))
    joined = (sa.select(SurveyAnswer.question_id)
              .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id).where(*where))
    counts: dict[int, dict[str, int]] = {}
    value = sa.func.coalesce(SurveyAnswer.choice, sa.cast(SurveyAnswer.number, sa.String))
    for question_id, key, n in db.session.execute(
            joined.add_columns(value, sa.func.count())
            .where(sa.or_(SurveyAnswer.choice.is_not(None), SurveyAnswer.number.is_not(None)))
            .group_by(SurveyAnswer.question_id, value)):
        counts.setdefault(question_id, {})[key] = n
    answered = {question_id: (n, avg) for question_id, n, avg in db.session.execute(
        joined.add_columns(sa.func.count(sa.distinct(SurveyAnswer.response_id)),
                           sa.func.avg(SurveyAnswer.number))
        .group_by(SurveyAnswer.question_id))}
    questions = []
    for q in survey.questions:
        got = counts.get(q.id, {})
        if q.kind in CHOICE_KINDS:
            shown = {option: got.get(option, 0) for option in q.options}
        elif q.kind == QuestionKind.SCALE:
            shown = {str(p): got.get(str(p), 0) for p in range(SCALE_MIN, SCALE_MAX + 1)}
        else:
            shown = {}
        n, avg = answered.get(q.id, (0, None))
        questions.append({
            "id": q.id, "text": q.text, "kind": q.kind.value, "counts": shown,
            "average": float(avg) if avg is not None and q.kind == QuestionKind.SCALE else None,
            "answered": n})
    return {"responses": total, "home_id": scope.home_id, "city": scope.city,
            "questions": questions}


@dataclass(frozen=True)
class Completion:
    """A page of completion: Homes and representatives with their response counts."""

    homes: list[dict]
    representatives: list[dict]
    total_homes: int
    total_representatives: int
    page: int
    per_page: int


def completion(actor, survey: Survey, home_id=None, *, city=None, page: int = 1,
               per_page: int = 50) -> Completion:
    """Per Home: responses and representatives_reached (distinct representatives with ≥ 1
    response); per representative: responses — for the Homes in scope (`results_scope`: one Home,
    a city's, or the province's; active ones, and any with responses), most responses first,
    paged (`page` from 1, `per_page` ≤ 100). Four statements."""
    scope = results_scope(actor, home_id, city)
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    by_home = (sa.select(SurveyResponse.home_id.label("home_id"),
                         sa.func.count(SurveyResponse.id).label("responses"),
                         sa.func.count(sa.distinct(SurveyResponse.representative_id))
                         .label("reached"))
               .where(SurveyResponse.survey_id == survey.id)
               .group_by(SurveyResponse.home_id).subquery())
    homes_where = [sa.or_(Home.status == HomeStatus.ACTIVE, by_home.c.responses.is_not(None)),
                   *scope.where(Home.id)]
    if scope.home_id is not None:
        homes_where = [Home.id == scope.home_id]
    homes_stmt = (sa.select(Home.id, Home.name, sa.func.coalesce(by_home.c.responses, 0),
                            sa.func.coalesce(by_home.c.reached, 0))
                  .outerjoin(by_home, by_home.c.home_id == Home.id).where(*homes_where))
    total_homes = db.session.scalar(sa.select(sa.func.count()).select_from(
        homes_stmt.order_by(None).subquery()))
    homes = [{"home_id": i, "name": name, "responses": n, "representatives_reached": reached}
             for i, name, n, reached in db.session.execute(
                 homes_stmt.order_by(sa.func.coalesce(by_home.c.responses, 0).desc(), Home.name,
                                     Home.id)
                 .limit(per_page).offset((page - 1) * per_page))]

    by_rep = (sa.select(SurveyResponse.representative_id.label("rep_id"),
                        sa.func.count(SurveyResponse.id).label("responses"))
              .where(SurveyResponse.survey_id == survey.id,
                     SurveyResponse.representative_id.is_not(None))
              .group_by(SurveyResponse.representative_id).subquery())
    reps_where = [User.role == Role.REPRESENTATIVE,
                  sa.or_(User.active.is_(True), by_rep.c.responses.is_not(None))]
    reps_where += scope.where(User.home_id)
    reps_stmt = (sa.select(User.id, User.name, User.home_id,
                           sa.func.coalesce(by_rep.c.responses, 0))
                 .outerjoin(by_rep, by_rep.c.rep_id == User.id).where(*reps_where))
    total_reps = db.session.scalar(sa.select(sa.func.count()).select_from(
        reps_stmt.order_by(None).subquery()))
    reps = [{"id": i, "name": name, "home_id": rep_home, "responses": n}
            for i, name, rep_home, n in db.session.execute(
                reps_stmt.order_by(sa.func.coalesce(by_rep.c.responses, 0).desc(), User.name_key,
                                   User.id)
                .limit(per_page).offset((page - 1) * per_page))]
    return Completion(homes, reps, total_homes, total_reps, page, per_page)


def export_rows(actor, survey: Survey, home_id=None, city=None) -> tuple[list[str], list[list]]:
    """(headers, rows) of the raw answers of the scope `results_scope(actor, home_id, city)`
    gives: one row per response (序号, 提交时间, 代表之家, 代表), one column per question — an
    option, the options ticked joined by "；", a scale point or the text. Recorded in the audit
    trail as an export. Two statements."""
    scope = results_scope(actor, home_id, city)
    where = _responses(survey, scope)
    responses = db.session.execute(
        sa.select(SurveyResponse.id, SurveyResponse.answered_at, Home.name, User.name)
        .outerjoin(Home, Home.id == SurveyResponse.home_id)
        .outerjoin(User, User.id == SurveyResponse.representative_id)
        .where(*where).order_by(SurveyResponse.id)).all()
    columns = {q.id: i for i, q in enumerate(survey.questions)}
    values: dict[int, list] = {r[0]: [[] for _ in columns] for r in responses}
    for response_id, question_id, choice, number, text in db.session.execute(
            sa.select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.choice,
                      SurveyAnswer.number, SurveyAnswer.text)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .where(*where).order_by(SurveyAnswer.response_id, SurveyAnswer.id)):
        cells = values.get(response_id)
        if cells is not None and question_id in columns:
            cells[columns[question_id]].append(choice if choice is not None else
                                               number if number is not None else text)
    headers = ["序号", "提交时间", "代表之家", "代表"] + [
        f"{i}. {q.text}" for i, q in enumerate(survey.questions, start=1)]
    rows = []
    for n, (response_id, answered_at, home_name, rep_name) in enumerate(responses, start=1):
        cells = []
        for q, got in zip(survey.questions, values[response_id], strict=True):
            if not got:
                cells.append(None)
            elif q.kind == QuestionKind.MULTIPLE:
                cells.append("；".join(got))
            else:
                cells.append(got[0])
        rows.append([n, answered_at, home_name or "", rep_name or "", *cells])
    audit.record_export(actor, "survey_answers.xlsx", len(rows), object_type="surveys",
                        object_id=survey.id,
                        detail={"home_id": scope.home_id, "city": scope.city})
    return headers, rows
