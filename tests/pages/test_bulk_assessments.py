"""Bulk finalise and one 公示 for many results (the same rules as one at a time, all or nothing)."""
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Assessment, AuditLog
from models.enums import AssessmentStatus
from services import assessments as service
from services.errors import Conflict, ValidationFailed
from tests.conftest import login_form
from tests.support import factories as f
from tests.support.racing import N, race, race_app  # noqa: F401,F811 (race_app is a fixture)


@pytest.fixture
def drafts(world):
    homes = [world.home_a, world.home_b, f.home(), f.home()]
    made = [service.create_assessment(world.admin, h.id, 2026) for h in homes]
    _db.session.commit()
    return made


def _statuses(items):
    _db.session.expire_all()
    return [_db.session.get(Assessment, a.id).status for a in items]


def test_finalise_many_then_publish_them_in_one_window(drafts, world, login, year_over):
    client = login(world.admin)
    html = client.get("/province/assessments?year=2026").get_data(as_text=True)
    assert 'data-testid="bulk-actions"' in html and html.count('name="ids"') == 4
    chosen = drafts[:3]
    resp = client.post("/province/assessments/bulk?year=2026",
                       data={"action": "finalize", "ids": [a.id for a in chosen]},
                       follow_redirects=True)
    assert "已定稿3个考核" in resp.get_data(as_text=True)
    assert _statuses(drafts) == [AssessmentStatus.FINAL] * 3 + [AssessmentStatus.DRAFT]
    resp = client.post("/province/assessments/bulk?year=2026",
                       data={"action": "publish", "ids": [a.id for a in chosen],
                             "start": "2027-01-10", "days": "5"}, follow_redirects=True)
    assert "已公示3个考核结果" in resp.get_data(as_text=True)
    for a in chosen:
        row = _db.session.get(Assessment, a.id)
        assert row.status == AssessmentStatus.PUBLISHED
        assert (row.publicity_start, row.publicity_end) == (date(2027, 1, 10), date(2027, 1, 14))
    assert _db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "publish")) == 3


def test_one_refusal_changes_nothing(drafts, world, login, year_over):
    service.finalize_assessment(world.admin, drafts[0])
    _db.session.commit()
    client = login(world.admin)
    resp = client.post("/province/assessments/bulk?year=2026",
                       data={"action": "finalize", "ids": [a.id for a in drafts]},
                       follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "未定稿" in page and drafts[0].home.name in page
    assert _statuses(drafts) == [AssessmentStatus.FINAL] + [AssessmentStatus.DRAFT] * 3


def test_publishing_many_before_the_year_ends_is_refused(drafts, world, monkeypatch):
    monkeypatch.setattr("services.clock.today", lambda: date(2026, 12, 7))
    service.finalize_assessments(world.admin, [a.id for a in drafts])
    with pytest.raises(Conflict):
        service.publish_assessments(world.admin, [a.id for a in drafts])
    _db.session.rollback()


@pytest.mark.parametrize("ids", [[], "1,2", [0], [True], [2**31], list(range(1, 502))])
def test_bad_selections_name_the_field(world, ids):
    with pytest.raises(ValidationFailed) as info:
        service.finalize_assessments(world.admin, ids)
    assert "ids" in info.value.fields


def test_unknown_ids_are_refused(drafts, world):
    with pytest.raises(ValidationFailed):
        service.finalize_assessments(world.admin, [drafts[0].id, 999999])
    assert _statuses(drafts) == [AssessmentStatus.DRAFT] * 4


@pytest.mark.parametrize("who", ["manager_a", "rep_a"])
def test_only_the_office_acts_in_bulk(drafts, world, login, who):
    resp = login(getattr(world, who)).post(
        "/province/assessments/bulk", data={"action": "finalize", "ids": [drafts[0].id]})
    assert resp.status_code == 403
    assert _statuses(drafts) == [AssessmentStatus.DRAFT] * 4


@pytest.mark.postgres
def test_bulk_finalisations_at_once_finalise_each_once(world, race_app, year_over):  # noqa: F811
    """20 bulk finalisations of the same four drafts, half of them listing the ids backwards: each
    draft is finalised once (one audit entry each), no deadlock (rows locked in id order)."""
    items = [service.create_assessment(None, h.id, 2026)
             for h in (world.home_a, world.home_b, f.home(), f.home())]
    _db.session.commit()
    ids = [a.id for a in items]

    def login(client):
        assert login_form(client, world.admin).status_code == 302

    def bulk(order):
        return lambda client: client.post("/province/assessments/bulk?year=2026",
                                          data={"action": "finalize", "ids": order})

    responses = race(race_app, [bulk(ids if i % 2 else ids[::-1]) for i in range(N)], prepare=login)
    assert all(r.status_code == 302 for r in responses)
    assert _statuses(items) == [AssessmentStatus.FINAL] * 4
    assert _db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "finalize")) == 4
