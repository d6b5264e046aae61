"""The two named year ranges (services/years.py), at their edges, on pages and in the API:
filter years (2000 … next year: lists, dashboards, compliance, contacts, records) and plan years
(2000 … 2100: rounds, a Home's plans, assessments — a round for 2030 stays valid)."""
import re
from datetime import date

import pytest

from extensions import db
from services import clock
from services.years import FILTER_YEARS, PLAN_YEARS
from tests.support import factories as f

NOTICE = "已忽略无效的筛选条件"


def _this_year():
    return clock.today().year


@pytest.fixture()
def edges(world):
    """Activities dated in the first and the last filter year (factories skip the date rule)."""
    last = _this_year() + 1
    world.first_act = f.activity(world.rep_a, title="最早", date=date(2000, 6, 1))
    world.last_act = f.activity(world.rep_a, title="明年", date=date(last, 1, 10))
    db.session.commit()
    return world


# --- the ranges themselves ----------------------------------------------------------------

def test_filter_years_run_from_2000_to_next_year(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2030, 12, 31))
    assert (FILTER_YEARS.first, FILTER_YEARS.last) == (2000, 2031)
    assert 2000 in FILTER_YEARS and 2031 in FILTER_YEARS
    assert 1999 not in FILTER_YEARS and 2032 not in FILTER_YEARS and True not in FILTER_YEARS
    assert FILTER_YEARS.message() == "年份应在2000到2031之间"


def test_plan_years_run_from_2000_to_2100():
    assert (PLAN_YEARS.first, PLAN_YEARS.last) == (2000, 2100)
    assert 2030 in PLAN_YEARS and 2100 in PLAN_YEARS and 2101 not in PLAN_YEARS
    assert PLAN_YEARS.message("年度") == "年度应在2000到2100之间"


@pytest.mark.parametrize("raw, year", [("2000", 2000), (" 2031 ", 2031), ("1999", None),
                                       ("2032", None), ("abc", None), ("", None), (None, None),
                                       ("2026.0", None), ("+2026", None), (2031, 2031)])
def test_parse_reads_only_years_in_range(monkeypatch, raw, year):
    monkeypatch.setattr(clock, "today", lambda: date(2030, 1, 1))
    assert FILTER_YEARS.parse(raw) == year


# --- filter years in the API: 422 naming `year` beyond either edge ------------------------

def _filter_paths(w):
    return ["/activities?year={}", "/dashboard?year={}", "/compliance?year={}",
            "/contacts?year={}", f"/representatives/{w.rep_a.id}/record?year={{}}"]


def test_api_filter_years_edges(edges, api):
    last = _this_year() + 1
    admin, rep = api(edges.admin), api(edges.rep_a)
    for path in _filter_paths(edges):
        client = rep if "/contacts" in path or "/record" in path else admin
        for year in (2000, last):
            assert client.get(path.format(year)).status_code == 200, (path, year)
        for year in (1999, last + 1):
            resp = client.get(path.format(year))
            assert resp.status_code == 422, (path, year)
            assert resp.get_json()["error"]["fields"]["year"] == [f"年份应在2000到{last}之间"]


def test_api_activities_of_the_edge_years(edges, api):
    admin = api(edges.admin)
    last = _this_year() + 1
    assert [a["id"] for a in admin.get("/activities?year=2000").get_json()["items"]] == [
        edges.first_act.id]
    assert [a["id"] for a in admin.get(f"/activities?year={last}").get_json()["items"]] == [
        edges.last_act.id]


# --- filter years on pages ----------------------------------------------------------------

def _rows(resp):
    return set(map(int, re.findall(r'data-activity-id="(\d+)"', resp.get_data(as_text=True))))


@pytest.mark.parametrize("who, path", [("rep_a", "/me/activities"),
                                       ("manager_a", "/manage/activities"),
                                       ("admin", "/manage/activities")])
def test_activity_pages_filter_years_edges(edges, login, who, path):
    client = login(getattr(edges, who))
    last = _this_year() + 1
    first = client.get(f"{path}?year=2000")
    assert _rows(first) == {edges.first_act.id} and NOTICE not in first.get_data(as_text=True)
    latest = client.get(f"{path}?year={last}")
    assert _rows(latest) == {edges.last_act.id} and NOTICE not in latest.get_data(as_text=True)
    everything = {edges.first_act.id, edges.last_act.id}
    for year in (1999, last + 1):
        resp = client.get(f"{path}?year={year}")
        assert resp.status_code == 200 and NOTICE in resp.get_data(as_text=True)
        assert _rows(resp) == everything


def test_dashboard_and_record_pages_fall_back_beyond_the_filter_years(edges, login):
    this_year, last = _this_year(), _this_year() + 1
    client = login(edges.manager_a)
    for year, shown in ((2000, 2000), (last, last), (1999, this_year), (last + 1, this_year)):
        page = client.get(f"/dashboard/home?year={year}")
        assert page.status_code == 200
        assert f"{shown}年 ·" in page.get_data(as_text=True), year
    rep = login(edges.rep_a)
    for year, shown in ((2000, 2000), (last, last), (1999, this_year), (last + 1, this_year)):
        page = rep.get(f"/records/{edges.rep_a.id}?year={year}")
        assert page.status_code == 200
        assert f"docx?year={shown}" in page.get_data(as_text=True), year


# --- plan years: rounds, plans ------------------------------------------------------------

def test_api_plan_years_edges(world, api):
    admin, manager = api(world.admin), api(world.manager_a)
    for year in (2000, 2030, 2100):
        resp = admin.post("/rounds", json={"year": year, "deadline": f"{year}-06-30"})
        assert resp.status_code == 201, (year, resp.get_json())
        plan = manager.put(f"/homes/{world.home_a.id}/plans/{year}",
                           json={"plan": "计划", "funding": "1000"})
        assert plan.status_code == 200, (year, plan.get_json())
    for year in (1999, 2101):
        resp = admin.post("/rounds", json={"year": year, "deadline": "2050-06-30"})
        assert resp.status_code == 422
        assert resp.get_json()["error"]["fields"]["year"] == ["年度应在2000到2100之间"]
        plan = manager.put(f"/homes/{world.home_a.id}/plans/{year}",
                           json={"plan": "计划", "funding": "1000"})
        assert plan.status_code == 422 and "year" in plan.get_json()["error"]["fields"]


def test_pages_plan_years_edges(world, login):
    admin = login(world.admin)
    for year in (2000, 2100):
        resp = admin.post("/province/rounds", data={"year": year, "deadline": f"{year}-06-30",
                                                    "quota": 5})
        assert resp.status_code in (302, 303), year
    for year in (1999, 2101):
        resp = admin.post("/province/rounds", data={"year": year, "deadline": "2050-06-30",
                                                    "quota": 5})
        assert resp.status_code == 422 and "年度应在2000到2100之间" in resp.get_data(as_text=True)
    manager = login(world.manager_a)
    for year in (2000, 2100):
        resp = manager.post(f"/home/{world.home_a.id}/plans", data={"year": year, "plan": "计划",
                                                                   "funding": "100"})
        assert resp.status_code in (302, 303), year
    resp = manager.post(f"/home/{world.home_a.id}/plans", data={"year": 2101, "plan": "计划",
                                                               "funding": "100"})
    assert resp.status_code == 422 and "年度应在2000到2100之间" in resp.get_data(as_text=True)


def test_home_page_opens_a_plan_year_and_falls_back_beyond(world, login):
    client = login(world.manager_a)
    page = client.get("/home/?year=2100").get_data(as_text=True)
    assert 'value="2100"' in page
    page = client.get("/home/?year=2101").get_data(as_text=True)
    assert f'value="{_this_year()}"' in page and 'value="2101"' not in page
