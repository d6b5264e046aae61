"""SPEC §5.4 Eligibility: a Home is assessed for year Y only when recognised on or before 30 June of Y;
results of Y are published only from 1 January of Y + 1 (the day of the action, Asia/Shanghai)."""
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from jobs.runner import run_job
from models import Assessment
from models.enums import AssessmentStatus, JobStatus
from services import assessments as service
from services.errors import Conflict
from tests.support import factories as f


def _today(monkeypatch, day: date) -> None:
    monkeypatch.setattr("services.clock.today", lambda: day)


@pytest.mark.parametrize("recognised, eligible", [
    (date(2026, 6, 30), True),    # the last day that leaves half of the year
    (date(2026, 7, 1), False),    # one day later
    (date(2026, 12, 7), False),   # recognised this morning
    (date(2025, 12, 31), True),
])
def test_a_home_is_assessed_only_when_recognised_by_30_june(world, recognised, eligible):
    world.home_a.recognized_on = recognised
    _db.session.commit()
    if eligible:
        assert service.create_assessment(world.admin, world.home_a.id, 2026).year == 2026
    else:
        with pytest.raises(Conflict) as info:
            service.create_assessment(world.admin, world.home_a.id, 2026)
        assert "6月30日" in info.value.fields["year"][0]
        assert world.home_a.name in info.value.message
        assert _db.session.scalar(sa.select(sa.func.count(Assessment.id))) == 0


def test_the_api_answers_409_naming_the_reason(world, api):
    world.home_a.recognized_on = date(2026, 12, 7)
    _db.session.commit()
    resp = api(world.admin).post("/assessments", json={"home_id": world.home_a.id, "year": 2026})
    assert resp.status_code == 409
    body = resp.get_json()["error"]
    assert body["code"] == "conflict" and "不参加2026年度考核" in body["fields"]["year"][0]
    # the year before it was recognised is refused too; the year after is fine
    assert api(world.admin).post("/assessments", json={"home_id": world.home_a.id,
                                                       "year": 2027}).status_code == 201


def test_the_batch_skips_and_says_which_and_why(world, login):
    late = f.home(recognized_on=date(2026, 12, 7), name="常州新认定代表之家")
    _db.session.commit()
    client = login(world.admin)
    html = client.get("/province/assessments?year=2026").get_data(as_text=True)
    assert 'data-testid="ineligible-homes"' in html and "常州新认定代表之家（2026-12-07认定）" in html
    assert f'<option value="{late.id}">' not in html          # not offered by hand either
    assert f'<option value="{world.home_a.id}">' in html
    resp = client.post("/province/assessments/create", data={"year": 2026, "scope": "all"},
                       follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "已为2个有效代表之家创建2026年度考核草稿" in page
    assert "未参加本年度考核：常州新认定代表之家" in page
    homes = set(_db.session.scalars(sa.select(Assessment.home_id).where(Assessment.year == 2026)))
    assert homes == {world.home_a.id, world.home_b.id}


def test_the_job_skips_and_lists_the_ineligible(world):
    late = f.home(recognized_on=date(2026, 9, 1))
    _db.session.commit()
    run = run_job("assessment_drafts", date(2027, 1, 5))
    assert run.status == JobStatus.SUCCESS, run.error
    assert run.counts["created"] == 2
    assert run.counts["ineligible"] == [{"home_id": late.id, "home": late.name,
                                         "reason": service.ineligibility(late, 2026)}]
    assert _db.session.scalar(sa.select(Assessment.id).where(Assessment.home_id == late.id)) is None


@pytest.fixture
def final_2026(world):
    a = service.create_assessment(world.admin, world.home_a.id, 2026)
    service.finalize_assessment(world.admin, a)
    _db.session.commit()
    return a


@pytest.mark.parametrize("today, allowed", [
    (date(2026, 12, 7), False), (date(2026, 12, 31), False), (date(2027, 1, 1), True)])
def test_a_year_is_published_only_after_it_ends(final_2026, world, monkeypatch, today, allowed):
    _today(monkeypatch, today)
    if allowed:
        a = service.publish_assessment(world.admin, final_2026)
        assert a.status == AssessmentStatus.PUBLISHED and a.publicity_start == today
    else:
        with pytest.raises(Conflict) as info:
            service.publish_assessment(world.admin, final_2026)
        assert "2027-01-01" in info.value.fields["start"][0]
        assert final_2026.status == AssessmentStatus.FINAL


@pytest.mark.parametrize("start, allowed", [(date(2026, 12, 31), False), (date(2027, 1, 1), True)])
def test_a_publicity_start_inside_the_year_is_refused(final_2026, world, api, monkeypatch,
                                                      start, allowed):
    _today(monkeypatch, date(2027, 1, 5))
    resp = api(world.admin).post(f"/assessments/{final_2026.id}/publish",
                                 json={"start": start.isoformat()})
    if allowed:
        assert resp.status_code == 200 and resp.get_json()["publicity_start"] == "2027-01-01"
    else:
        assert resp.status_code == 409
        assert "不能早于2027-01-01" in resp.get_json()["error"]["fields"]["start"][0]


def test_publishing_on_the_page_too_early_says_why(final_2026, world, login, monkeypatch):
    _today(monkeypatch, date(2026, 12, 7))
    resp = login(world.admin).post(f"/province/assessments/{final_2026.id}/publish",
                                   follow_redirects=True)
    assert "2026年度尚未结束" in resp.get_data(as_text=True)
    _db.session.refresh(final_2026)
    assert final_2026.status == AssessmentStatus.FINAL
