"""Public pages (no login): recognised Homes with validity; published results during and after
their publicity window."""
from datetime import date

import pytest

from extensions import db as _db
from models.enums import HomeStatus
from services import assessments as assessment_service
from services import clock
from tests.conftest import count_statements
from tests.support import factories as f


@pytest.fixture()
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 10))
    return date(2026, 3, 10)


def test_public_homes_lists_active_only(world, client):
    expired = f.home(name="过期之家", status=HomeStatus.EXPIRED)
    revoked = f.home(name="撤销之家", status=HomeStatus.REVOKED)
    _db.session.commit()
    resp = client.get("/public/homes")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert world.home_a.name in html and world.home_b.name in html
    assert "2027-01-09" in html and "2025-01-10" in html  # 有效期至 = expires_on − 1
    assert expired.name not in html and revoked.name not in html


def test_public_homes_query_budget(world, client):
    with count_statements() as few:
        client.get("/public/homes")
    for _ in range(8):
        f.home()
    _db.session.commit()
    with count_statements() as many:
        client.get("/public/homes")
    assert len(many) == len(few)


def _assessment(home, year, *, publish_start=None, finalize=True):
    a = assessment_service.create_assessment(None, home.id, year)
    if finalize:
        assessment_service.finalize_assessment(None, a)
    if publish_start is not None:
        assessment_service.publish_assessment(None, a, start=publish_start, days=7)
    return a


def test_results_during_and_after_window_only(world, client, today):
    # Recognised early enough to be assessed for 2024 as well (SPEC §5.4 eligibility).
    world.home_a.recognized_on = world.home_b.recognized_on = date(2023, 5, 1)
    during = _assessment(world.home_a, 2025, publish_start=date(2026, 3, 5))   # until 03-11
    after = _assessment(world.home_a, 2024, publish_start=date(2025, 2, 1))
    future = _assessment(world.home_b, 2025, publish_start=date(2026, 3, 11))  # not started
    draft = _assessment(world.home_b, 2024, finalize=False)
    _db.session.commit()
    html = client.get("/public/results?year=2025").get_data(as_text=True)
    assert f'data-assessment-id="{during.id}"' in html and "公示中" in html
    assert f'data-assessment-id="{future.id}"' not in html
    html = client.get("/public/results?year=2024").get_data(as_text=True)
    assert f'data-assessment-id="{after.id}"' in html
    assert f'data-assessment-id="{draft.id}"' not in html
    # default year: the latest one with visible results
    assert f'data-assessment-id="{during.id}"' in client.get("/public/results").get_data(
        as_text=True)


def test_results_for_signed_in_users_too(world, login, today):
    a = _assessment(world.home_a, 2025, publish_start=date(2026, 3, 1))
    _db.session.commit()
    for user in (world.rep_b, world.manager_b, world.admin):
        html = login(user).get("/public/results?year=2025").get_data(as_text=True)
        assert f'data-assessment-id="{a.id}"' in html


def test_results_query_budget(world, client, today):
    _assessment(world.home_a, 2025, publish_start=date(2026, 3, 1))
    _db.session.commit()
    with count_statements() as few:
        client.get("/public/results?year=2025")
    for _ in range(6):
        _assessment(f.home(), 2025, publish_start=date(2026, 3, 1))
    _db.session.commit()
    with count_statements() as many:
        client.get("/public/results?year=2025")
    assert len(many) == len(few)


def test_public_pages_have_no_inline_script_or_style(world, client):
    for path in ("/public/homes", "/public/results"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and 'style="' not in html
