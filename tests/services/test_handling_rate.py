"""办结率 and the median days to resolution (SPEC §5.5) on the dashboards and GET /dashboard."""
from datetime import UTC, datetime

import pytest

from models.enums import AppealStatus
from services import appeals as public_appeals
from services import dashboard
from tests.support import factories as f

R, F, RES, C = (AppealStatus.RECEIVED, AppealStatus.FORWARDED, AppealStatus.RESOLVED,
                AppealStatus.CLOSED)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def test_no_appeals_gives_null_rate_and_median(world, api):
    body = api(world.manager_a).get("/dashboard?year=2026").get_json()
    assert body["appeals_handling_rate"] is None and body["appeals_median_days"] is None
    body = api(world.admin).get("/dashboard?year=2026").get_json()
    assert body["appeals_handling_rate"] is None and body["appeals_median_days"] is None


def test_rate_counts_resolved_and_closed_of_the_years_appeals(world, api, db):
    # Received in 2026 (Asia/Shanghai): 2 resolved, 1 closed, 1 received, 1 forwarded → 3/5.
    f.appeal(world.rep_a, status=RES, created_at=utc(2026, 3, 1, 2), resolved_at=utc(2026, 3, 4, 2))
    f.appeal(world.rep_a, status=RES, created_at=utc(2026, 5, 1, 2), resolved_at=utc(2026, 5, 11, 2))
    f.appeal(world.rep_a2, status=C, created_at=utc(2026, 6, 1), resolved_at=utc(2026, 9, 1))
    f.appeal(world.rep_a, status=R, created_at=utc(2026, 7, 1))
    f.appeal(world.rep_a, status=F, created_at=utc(2026, 8, 1))
    # Received 2025-12-31 16:30 UTC = 2026-01-01 00:30 in Shanghai: counts for 2026.
    f.appeal(world.rep_a, status=R, created_at=utc(2025, 12, 31, 16, 30))
    # Received 2025-12-31 15:30 UTC = 2025-12-31 23:30 in Shanghai: 2025, not counted.
    f.appeal(world.rep_a, status=RES, created_at=utc(2025, 12, 31, 15, 30),
             resolved_at=utc(2026, 2, 1))
    # Another Home: not in Home A's figures.
    f.appeal(world.rep_b, status=R, created_at=utc(2026, 3, 1))
    db.session.commit()
    body = api(world.manager_a).get("/dashboard?year=2026").get_json()
    assert body["appeals_handling_rate"] == pytest.approx(3 / 6)
    assert body["appeals_median_days"] == pytest.approx(6.5)  # median of 3 and 10
    body = api(world.admin).get("/dashboard?year=2026").get_json()
    assert body["appeals_handling_rate"] == pytest.approx(3 / 7)
    assert body["appeals_median_days"] == pytest.approx(6.5)
    body = api(world.admin).get("/dashboard?year=2025").get_json()
    assert body["appeals_handling_rate"] == 1.0
    assert body["appeals_median_days"] == 32  # 2025-12-31 → 2026-02-01 (Shanghai dates)
    body = api(world.manager_b).get("/dashboard?year=2026").get_json()
    assert body["appeals_handling_rate"] == 0.0 and body["appeals_median_days"] is None


def test_median_counts_calendar_days_in_shanghai(world, db):
    # 23:30 on 1 March to 00:30 on 2 March (Shanghai) is one calendar day.
    f.appeal(world.rep_a, status=RES, created_at=utc(2026, 3, 1, 15, 30),
             resolved_at=utc(2026, 3, 1, 16, 30))
    db.session.commit()
    figures = dashboard.appeals_by_status(dashboard.Scope(2026, home_id=world.home_a.id))
    assert figures["median_days"] == 1 and figures["handling_rate"] == 1.0


def test_median_is_of_resolved_appeals_only(world, db):
    f.appeal(world.rep_a, status=C, created_at=utc(2026, 3, 1), resolved_at=utc(2026, 3, 2))
    db.session.commit()
    figures = dashboard.appeals_by_status(dashboard.Scope(2026))
    assert figures["handling_rate"] == 1.0 and figures["median_days"] is None


def test_median_helper():
    assert public_appeals.median_days([]) is None
    pairs = [(utc(2026, 1, 1), utc(2026, 1, d)) for d in (2, 3, 10)]
    assert public_appeals.median_days(pairs) == 2
    assert public_appeals.handling_rate(0, 0) is None
    assert public_appeals.handling_rate(1, 4) == 0.25


def test_representative_scope(world, db):
    f.appeal(world.rep_a, status=RES, created_at=utc(2026, 3, 1), resolved_at=utc(2026, 3, 5))
    f.appeal(world.rep_a2, status=R, created_at=utc(2026, 3, 1))
    db.session.commit()
    figures = dashboard.appeals_by_status(dashboard.Scope(2026, representative_id=world.rep_a.id))
    assert figures["handling_rate"] == 1.0 and figures["median_days"] == 4


def test_pages_show_a_percentage_or_a_dash(world, login, db):
    for user, path in ((world.admin, "/dashboard/province?year=2026"),
                       (world.manager_a, "/dashboard/home?year=2026"),
                       (world.rep_a, "/dashboard/representative?year=2026")):
        html = login(user).get(path).get_data(as_text=True)
        assert 'data-testid="kpi-handling-rate">—<' in html, path
        assert 'data-testid="kpi-median-days">—<' in html, path
    f.appeal(world.rep_a, status=RES, created_at=utc(2026, 3, 1), resolved_at=utc(2026, 3, 5))
    f.appeal(world.rep_a, status=R, created_at=utc(2026, 3, 1))
    db.session.commit()
    for user, path in ((world.admin, "/dashboard/province?year=2026"),
                       (world.manager_a, "/dashboard/home?year=2026"),
                       (world.rep_a, "/dashboard/representative?year=2026")):
        html = login(user).get(path).get_data(as_text=True)
        assert 'data-testid="kpi-handling-rate">50.0%<' in html, path
        assert 'data-testid="kpi-median-days">4 天<' in html, path


def test_dashboard_api_statement_count_does_not_grow_with_appeals(world, api, db):
    from tests.conftest import count_statements
    client = api(world.admin)
    with count_statements() as first:
        client.get("/dashboard?year=2026")
    for i in range(10):
        f.appeal(world.rep_a, status=RES, created_at=utc(2026, 3, 1),
                 resolved_at=utc(2026, 3, 1 + i))
    db.session.commit()
    with count_statements() as second:
        client.get("/dashboard?year=2026")
    assert len(second) == len(first)
