"""A one-time survey code answers once under concurrency (SPEC §5.10, §10): 20 concurrent
answers with one code give one 201 and nineteen 409s, one stored response (PostgreSQL).

Without the conditional UPDATE of services/surveys/codes.claim several answers get through."""
import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import SurveyCode, SurveyResponse
from services import surveys
from tests.support.racing import N, assert_conflicts_named, race, race_app, statuses
from tests.support.survey_data import INSIDE, published, sheet

pytestmark = pytest.mark.postgres
__all__ = ["race_app"]  # the module-scoped fixture, imported for pytest


def test_one_code_twenty_answers_one_success(world, race_app, monkeypatch):
    monkeypatch.setattr("services.clock.today", lambda: INSIDE)
    survey = published(world.admin, code_required=True)
    _, codes = surveys.issue_codes(world.admin, survey, {"home_id": world.home_a.id, "count": 1})
    _db.session.commit()
    body = {"code": codes[0], "answers": sheet(survey)}
    path = f"/api/v1/public/surveys/{survey.id}/responses"

    responses = race(race_app, [lambda client: client.post(path, json=body)] * N)
    assert statuses(responses) == {201: 1, 409: N - 1}, statuses(responses)
    assert_conflicts_named(responses)
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1
    assert _db.session.scalar(sa.select(sa.func.count(SurveyCode.used_at))) == 1
