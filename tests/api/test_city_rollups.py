"""A city administrator's city-wide figures (SPEC §5.12): survey results, completion and the raw
export, and the five-contact rule, over the Homes of its city only — without home_id, as the office
gets the province's. The city's figures are the sum over its Homes; another city's Homes never
appear; another city is 404 (pages, API, exports).
"""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from extensions import db as _db
from models.enums import Role, UnitKind
from services import clock
from tests.support import factories as f
from tests.support.survey_data import INSIDE, published, sheet


@pytest.fixture()
def city(world, monkeypatch):
    """南京市 has Home A and Home C (an enterprise association in 南京市); Home B is in 苏州市.
    Contacts of 2026: rep_a 5 workers (compliant), rep_a2 1, rep_c 6 (compliant), rep_b 5."""
    monkeypatch.setattr(clock, "today", lambda: INSIDE)
    world.home_c = f.home(f.unit(name="南京某企业科协", kind=UnitKind.ENTERPRISE_ASSOCIATION,
                                 city="南京市"))
    world.manager_c = f.manager(world.home_c, username="manager_c")
    world.rep_c = f.representative(world.home_c, username="rep_c", name="代表丁")
    world.city_admin = f.user(Role.CITY_ADMIN, username="nanjing_city", city="南京市")
    world.suzhou_admin = f.user(Role.CITY_ADMIN, username="suzhou_city", city="苏州市")
    for rep, n in ((world.rep_a, 5), (world.rep_a2, 1), (world.rep_c, 6), (world.rep_b, 5)):
        for _ in range(n):
            f.contact(rep, f.worker(rep), day=date(2026, 2, 3))
    _db.session.commit()
    return world


def _answer(api, survey, rep, **kw):
    resp = api().post(f"/public/surveys/{survey.id}/responses",
                      json={"answers": sheet(survey, **kw), "rep_code": rep.public_code})
    assert resp.status_code == 201, resp.get_json()


@pytest.fixture()
def answered(city, api):
    """A published survey: 2 answers through rep_a, 1 through rep_a2, 3 through rep_c (Home C),
    4 through rep_b (苏州市)."""
    survey = published(city.admin)
    for rep, n, single in ((city.rep_a, 2, "高校"), (city.rep_a2, 1, "企业"),
                           (city.rep_c, 3, "科研院所"), (city.rep_b, 4, "企业")):
        for i in range(n):
            _answer(api, survey, rep, single=single, scale=1 + i % 5)
    city.survey = survey
    return city


def _sum_counts(parts):
    total = {}
    for part in parts:
        for q in part["questions"]:
            counts = total.setdefault(q["id"], {"counts": {}, "answered": 0})
            counts["answered"] += q["answered"]
            for option, n in q["counts"].items():
                counts["counts"][option] = counts["counts"].get(option, 0) + n
    return total


def test_city_survey_results_are_the_sum_over_its_homes(api, answered):
    w = answered
    client = api(w.city_admin)
    whole = client.get(f"/surveys/{w.survey.id}/results")
    assert whole.status_code == 200, whole.get_json()
    body = whole.get_json()
    assert body["responses"] == 6 and body["city"] == "南京市" and body["home_id"] is None
    parts = [client.get(f"/surveys/{w.survey.id}/results?home_id={h.id}").get_json()
             for h in (w.home_a, w.home_c)]
    assert [p["responses"] for p in parts] == [3, 3]
    assert sum(p["responses"] for p in parts) == body["responses"]
    summed = _sum_counts(parts)
    for q in body["questions"]:
        assert q["answered"] == summed[q["id"]]["answered"]
        if q["counts"]:
            assert q["counts"] == summed[q["id"]]["counts"]
    single = body["questions"][0]["counts"]
    assert single == {"高校": 2, "科研院所": 3, "企业": 1}  # 苏州's four 企业 left out
    # The same as the office asking for the city; the province counts 苏州 too.
    office = api(w.admin)
    assert office.get(f"/surveys/{w.survey.id}/results?city=南京市").get_json() == body
    assert office.get(f"/surveys/{w.survey.id}/results").get_json()["responses"] == 10


def test_city_completion_lists_only_its_homes_and_representatives(api, answered):
    w = answered
    done = api(w.city_admin).get(f"/surveys/{w.survey.id}/completion").get_json()
    homes = {h["home_id"]: (h["responses"], h["representatives_reached"]) for h in done["homes"]}
    assert homes == {w.home_a.id: (3, 2), w.home_c.id: (3, 1)}
    reps = {r["id"]: r["responses"] for r in done["representatives"]}
    assert reps == {w.rep_a.id: 2, w.rep_a2.id: 1, w.rep_c.id: 3}
    assert done["total_homes"] == 2 and done["total_representatives"] == 3


def test_another_city_is_404_and_a_bad_city_422(api, answered):
    w = answered
    client = api(w.city_admin)
    for path in ("results", "completion"):
        assert client.get(f"/surveys/{w.survey.id}/{path}?home_id={w.home_b.id}").status_code == 404
        assert client.get(f"/surveys/{w.survey.id}/{path}?city=苏州市").status_code == 404
        resp = client.get(f"/surveys/{w.survey.id}/{path}?city=火星市")
        assert resp.status_code == 422 and "city" in resp.get_json()["error"]["fields"]
    assert client.get(f"/surveys/{w.survey.id}/results?city=南京市").status_code == 200
    # A manager asking for a city: not in scope.
    assert api(w.manager_a).get(f"/surveys/{w.survey.id}/results?city=南京市").status_code == 404
    # 苏州's city admin sees only 苏州.
    assert api(w.suzhou_admin).get(f"/surveys/{w.survey.id}/results").get_json()["responses"] == 4


def test_city_survey_pages_and_export(login, answered):
    w = answered
    page = login(w.city_admin)
    html = page.get(f"/surveys/{w.survey.id}/results").get_data(as_text=True)
    assert 'data-testid="survey-responses">6<' in html
    assert 'data-testid="survey-scope">南京市<' in html
    assert f'<option value="{w.home_a.id}"' in html and f'<option value="{w.home_c.id}"' in html
    assert f'<option value="{w.home_b.id}"' not in html
    html = page.get(f"/surveys/{w.survey.id}/completion").get_data(as_text=True)
    assert w.home_c.name in html and w.home_b.name not in html and "代表丙" not in html
    resp = page.get(f"/surveys/{w.survey.id}/answers.xlsx")
    assert resp.status_code == 200
    rows = list(load_workbook(BytesIO(resp.data)).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6
    assert {r[2] for r in rows} == {w.home_a.name, w.home_c.name}
    assert page.get(f"/surveys/{w.survey.id}/answers.xlsx?home_id={w.home_b.id}").status_code == 404
    one = page.get(f"/surveys/{w.survey.id}/answers.xlsx?home_id={w.home_c.id}")
    assert len(list(load_workbook(BytesIO(one.data)).active.iter_rows(min_row=2))) == 3
    # The survey list links the city admin to its results.
    assert f"/surveys/{w.survey.id}/results" in page.get("/surveys/").get_data(as_text=True)


def test_city_compliance_is_the_sum_over_its_homes(api, city):
    w = city
    client = api(w.city_admin)
    resp = client.get("/compliance?year=2026")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    ids = {r["id"] for r in body["representatives"]}
    assert ids == {w.rep_a.id, w.rep_a2.id, w.rep_c.id}
    assert w.rep_b.id not in ids
    parts = [client.get(f"/compliance?year=2026&home_id={h.id}").get_json()
             for h in (w.home_a, w.home_c)]
    compliant = sum(r["compliant"] for p in parts for r in p["representatives"])
    total = sum(len(p["representatives"]) for p in parts)
    assert (compliant, total) == (2, 3)
    assert body["compliance_rate"] == pytest.approx(compliant / total)
    assert sorted(r["id"] for p in parts for r in p["representatives"]) == sorted(ids)
    assert {r["id"]: r["contacted_count"] for r in body["representatives"]} == {
        w.rep_a.id: 5, w.rep_a2.id: 1, w.rep_c.id: 6}
    # The office asking for the city gets the same; the province counts 苏州 too.
    office = api(w.admin)
    assert office.get("/compliance?year=2026&city=南京市").get_json() == body
    assert len(office.get("/compliance?year=2026").get_json()["representatives"]) == 4
    # Another city, a Home of another city, a bad city; managers have no city.
    assert client.get("/compliance?year=2026&city=苏州市").status_code == 404
    assert client.get(f"/compliance?year=2026&home_id={w.home_b.id}").status_code == 404
    bad = client.get("/compliance?year=2026&city=火星市")
    assert bad.status_code == 422 and "city" in bad.get_json()["error"]["fields"]
    assert api(w.manager_a).get("/compliance?year=2026&city=南京市").status_code == 404
    mine = api(w.manager_a).get("/compliance?year=2026").get_json()
    assert {r["id"] for r in mine["representatives"]} == {w.rep_a.id, w.rep_a2.id}


def test_city_dashboard_compliance_matches_the_api(api, login, city):
    """The city's dashboard figure (API and page) is the same roll-up."""
    w = city
    figures = api(w.city_admin).get("/dashboard?year=2026").get_json()
    assert figures["compliance_rate"] == pytest.approx(2 / 3)
    assert figures["representatives"] == 3
    html = login(w.city_admin).get("/dashboard/city?year=2026").get_data(as_text=True)
    assert w.home_c.name in html and w.home_b.name not in html
