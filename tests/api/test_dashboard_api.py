"""GET /api/v1/dashboard (SPEC §8): exact keys, verified activities only, scope per role, the
documented shapes of activities_by_theme and activities_by_month."""
from datetime import UTC, date, datetime

import pytest

from models.enums import ActivityStatus, AppealStatus, HomeStatus, Kind, Theme
from services.clock import today
from tests.support import factories as f

V = ActivityStatus.VERIFIED
KEYS = {"year", "homes_active", "representatives", "compliance_rate", "activities_by_theme",
        "activities_by_month", "appeals_open", "appeals_handling_rate", "appeals_median_days",
        "linked_levels", "needs"}
THEMES = ["party_building", "window", "neighborhood", "innovation"]


@pytest.fixture()
def prepared(world):
    w = world
    f.activity(w.rep_a, status=V, date=date(2026, 1, 1))
    f.activity(w.rep_a, status=V, date=date(2026, 12, 31), theme=Theme.INNOVATION,
               kind=Kind.SALON)
    co = f.activity(w.rep_a2, status=V, date=date(2026, 3, 5), theme=Theme.NEIGHBORHOOD,
                    kind=Kind.SCHOOL)
    co.co_organizers.append(w.rep_a)
    f.activity(w.rep_a, status=ActivityStatus.SUBMITTED, date=date(2026, 4, 1))
    f.activity(w.rep_a, status=ActivityStatus.DRAFT, date=date(2026, 4, 1))
    f.activity(w.rep_a, status=V, date=date(2025, 12, 31))
    f.activity(w.rep_b, status=V, date=date(2026, 3, 1))
    for _ in range(5):
        f.contact(w.rep_a, f.worker(linked_by=w.rep_a), date(2026, 6, 1))
    f.appeal(w.rep_a, status=AppealStatus.RECEIVED, created_at=datetime(2026, 2, 1, tzinfo=UTC))
    f.appeal(w.rep_a, status=AppealStatus.FORWARDED)
    f.appeal(w.rep_a2, status=AppealStatus.RESOLVED)
    f.appeal(w.rep_b, status=AppealStatus.RECEIVED)
    f.home(f.unit(), status=HomeStatus.EXPIRED)
    return w


def months(**kw):
    out = {str(m): 0 for m in range(1, 13)}
    out.update({k[1:]: v for k, v in kw.items()})
    return out


def test_manager_gets_own_home_exactly(prepared, api):
    resp = api(prepared.manager_a).get("/dashboard?year=2026")
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == KEYS
    assert body == {
        "year": 2026, "homes_active": 1, "representatives": 2, "compliance_rate": 0.5,
        "activities_by_theme": {"party_building": 0, "window": 1, "neighborhood": 1,
                                "innovation": 1},
        "activities_by_month": months(m1=1, m3=1, m12=1),
        "appeals_open": 2,
        "appeals_handling_rate": 1 / 3, "appeals_median_days": None,  # no resolved_at recorded
        "needs": {"received": 0, "dispatched": 0, "fulfilled": 0, "fulfilment_rate": None,
                  "median_days_to_assign": None, "average_rating": None},
        "linked_levels": {"count": 0, "share": 0.0},
    }
    assert set(body["activities_by_theme"]) == set(THEMES)  # zeros included
    assert set(body["activities_by_month"]) == {str(m) for m in range(1, 13)}


def test_representative_gets_their_home(prepared, api):
    body = api(prepared.rep_a2).get("/dashboard?year=2026").get_json()
    assert body["activities_by_theme"]["neighborhood"] == 1  # co-organised, once
    assert body["representatives"] == 2 and body["appeals_open"] == 2
    assert api(prepared.rep_a).get(f"/dashboard?home_id={prepared.home_a.id}&year=2026"
                                   ).get_json() == body


def test_admin_province_and_one_home(prepared, api):
    client = api(prepared.admin)
    body = client.get("/dashboard?year=2026").get_json()
    assert body["homes_active"] == 2  # the expired Home is not active
    assert body["representatives"] == 3
    assert body["compliance_rate"] == pytest.approx(1 / 3)
    assert body["activities_by_theme"] == {"party_building": 0, "window": 2, "neighborhood": 1,
                                           "innovation": 1}
    assert body["activities_by_month"] == months(m1=1, m3=2, m12=1)
    assert body["appeals_open"] == 3
    b = client.get(f"/dashboard?year=2026&home_id={prepared.home_b.id}").get_json()
    assert b["activities_by_theme"]["window"] == 1 and b["representatives"] == 1
    assert b["compliance_rate"] == 0 and b["appeals_open"] == 1


def test_year_boundary_and_default_year(prepared, api):
    client = api(prepared.admin)
    assert client.get("/dashboard?year=2025").get_json()["activities_by_month"] == months(m12=1)
    assert client.get("/dashboard").get_json()["year"] == today().year


@pytest.mark.parametrize("role,status", [
    ("rep_a", 200), ("rep_b", 404), ("manager_a", 200), ("manager_b", 404), ("admin", 200)])
def test_home_id_scope(prepared, api, role, status):
    resp = api(getattr(prepared, role)).get(f"/dashboard?home_id={prepared.home_a.id}")
    assert resp.status_code == status
    if status == 404:
        assert resp.get_json()["error"]["code"] == "not_found"


def test_unknown_home_is_404_and_no_token_401(prepared, api):
    assert api(prepared.admin).get("/dashboard?home_id=99999").status_code == 404
    resp = api(None).get("/dashboard")
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "unauthorized"
    bad = api(None).get("/dashboard", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401


def test_bad_year_names_the_field(prepared, api):
    for query in ("year=abc", "year=1999", "year=2101"):
        resp = api(prepared.admin).get(f"/dashboard?{query}")
        assert resp.status_code == 422
        assert "year" in resp.get_json()["error"]["fields"]


def test_openapi_documents_the_shapes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/dashboard" in spec["paths"]
    schema = spec["components"]["schemas"]["Dashboard"]
    assert set(schema["properties"]) == KEYS
    assert '"1" … "12"' in schema["properties"]["activities_by_month"]["description"]
    assert "all four theme codes" in schema["properties"]["activities_by_theme"]["description"]
