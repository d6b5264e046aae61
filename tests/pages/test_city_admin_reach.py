"""What a city admin (设区市科协, SPEC §5.12) reads on a phone, as a tester walked it: pages titled
with its city, a 代表之家 filter over its Homes, the 设区市 filter narrowed to what it can see, a way to
each representative's 履职档案 (list, Home filter, pages, dashboard names, joint 台账 entries), a
survey's results naming the Home picked — and the office's province-wide 待办 kept off a city's
dashboard. Every list is checked against another city's rows."""
import re
from io import BytesIO
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from extensions import db as _db
from models import Activity
from models.enums import NeedStatus, Role, UnitKind
from services import activities
from tests.conftest import count_statements
from tests.support import factories
from tests.support.needs import need


@pytest.fixture()
def city(world):
    """南京市's city admin over Home A (南京市科协) and a second 南京 Home, Home B in 苏州市."""
    world.city_admin = factories.user(Role.CITY_ADMIN, username="nanjing_city", city="南京市")
    world.home_n2 = factories.home(factories.unit(name="南京大学科协",
                                                  kind=UnitKind.CITY_ASSOCIATION, city="南京市"))
    world.rep_n2 = factories.representative(world.home_n2, username="rep_n2", name="代表丁")
    _db.session.commit()
    return world


def _rows(html, testid):
    return re.findall(rf'data-testid="{testid}-(\d+)"', html)


# --- 1. /province/appeals: the city's name, and a 代表之家 filter -----------------------------------

def test_city_admin_appeals_page_names_its_city_and_filters_by_its_homes(city, login):
    inside = factories.appeal(city.rep_a)
    other_nanjing = factories.appeal(city.rep_n2)
    outside = factories.appeal(city.rep_b)
    _db.session.commit()
    client = login(city.city_admin)
    html = client.get("/province/appeals").get_data(as_text=True)
    assert "南京市诉求建议" in html and "全省诉求建议" not in html
    assert "市科协查看本市各代表之家的诉求建议（只读）" in html and "省科协" not in html
    assert set(_rows(html, "appeal")) == {str(inside.id), str(other_nanjing.id)}
    options = html.split('data-testid="home-filter"')[1].split("</select>")[0]
    assert city.home_a.name in options and city.home_n2.name in options
    assert city.home_b.name not in options
    one = client.get(f"/province/appeals?home_id={city.home_n2.id}").get_data(as_text=True)
    assert _rows(one, "appeal") == [str(other_nanjing.id)]
    assert f'value="{city.home_n2.id}" selected' in one
    assert client.get(f"/province/appeals?home_id={city.home_b.id}").status_code == 404
    assert str(outside.id) not in _rows(html, "appeal")


def test_office_appeals_page_keeps_the_province_title_and_offers_every_home(city, login):
    factories.appeal(city.rep_b)
    _db.session.commit()
    html = login(city.admin).get("/province/appeals").get_data(as_text=True)
    assert "全省诉求建议" in html and "省科协查看全省诉求建议（只读）" in html
    options = html.split('data-testid="home-filter"')[1].split("</select>")[0]
    assert all(h.name in options for h in (city.home_a, city.home_b, city.home_n2))


# --- 2. /needs/: the 设区市 filter and the export's file name ---------------------------------------

def test_city_admin_needs_filter_offers_only_cities_it_can_see(city, login):
    need(NeedStatus.DISPATCHED, city.home_a)
    need(NeedStatus.DISPATCHED, city.home_b, city="苏州市")
    need()  # 南京市, not yet dispatched: no Home's yet (SPEC §5.12), so not the city admin's
    _db.session.commit()
    html = login(city.city_admin).get("/needs/").get_data(as_text=True)
    assert html.count('data-testid="need-row"') == 1
    assert 'id="f-city"' not in html  # one city only: no filter to choose
    office = login(city.admin).get("/needs/").get_data(as_text=True)
    select = office.split('id="f-city"')[1].split("</select>")[0]
    assert select.count("<option") == 14 and "无锡市" in select  # 全部 + the 13


def test_a_home_serving_two_cities_needs_gets_a_filter_of_those_two(city, login):
    need(NeedStatus.DISPATCHED, city.home_a)
    need(NeedStatus.DISPATCHED, city.home_a, city="镇江市")
    _db.session.commit()
    html = login(city.city_admin).get("/needs/").get_data(as_text=True)
    select = html.split('id="f-city"')[1].split("</select>")[0]
    assert re.findall(r'<option value="([^"]+)"', select) == ["南京市", "镇江市"]
    manager = login(city.manager_a).get("/needs/").get_data(as_text=True)
    assert "镇江市" in manager.split('id="f-city"')[1].split("</select>")[0]


def test_needs_export_has_a_chinese_file_name(city, login):
    need(NeedStatus.DISPATCHED, city.home_a)
    _db.session.commit()
    for who in (city.admin, city.city_admin, city.manager_a):
        resp = login(who).get("/needs/export.xlsx?year=2026")
        assert resp.status_code == 200
        disposition = resp.headers["Content-Disposition"]
        assert "attachment" in disposition
        assert unquote(disposition.split("filename*=UTF-8''")[1]) == "2026年需求对接.xlsx"
        assert load_workbook(BytesIO(resp.data)).active.max_row >= 2


# --- 3. the 履职档案 within reach ------------------------------------------------------------------

def test_records_leads_a_city_admin_to_its_citys_representatives(city, login):
    client = login(city.city_admin)
    resp = client.get("/records/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/records/representatives")
    html = client.get("/records/representatives").get_data(as_text=True)
    for rep in (city.rep_a, city.rep_a2, city.rep_n2):
        assert f'href="/records/{rep.id}"' in html
    assert f'href="/records/{city.rep_b.id}"' not in html and city.rep_b.name not in html
    assert f'href="/records/{city.manager_a.id}"' not in html
    assert "只读" in html and "南京市代表履职档案" in html
    one = client.get(f"/records/representatives?home_id={city.home_n2.id}").get_data(as_text=True)
    assert f'href="/records/{city.rep_n2.id}"' in one and f'href="/records/{city.rep_a.id}"' not in one
    named = client.get("/records/representatives?q=乙").get_data(as_text=True)
    assert f'href="/records/{city.rep_a2.id}"' in named and f'href="/records/{city.rep_a.id}"' not in named
    assert client.get(f"/records/representatives?home_id={city.home_b.id}").status_code == 404
    assert client.get(f"/records/{city.rep_a.id}").status_code == 200
    nav = client.get("/dashboard/city").get_data(as_text=True)
    assert 'href="/records/representatives"' in nav


def test_the_representatives_list_pages_by_keyset(city, login, monkeypatch):
    from blueprints.records import routes
    monkeypatch.setattr(routes, "REPS_PER_PAGE", 2)
    client = login(city.city_admin)
    first = client.get("/records/representatives").get_data(as_text=True)
    assert first.count('class="list-group-item') == 2 and 'data-testid="pager-next"' in first
    nxt = re.search(r'href="([^"]+)" data-testid="pager-next"', first).group(1).replace("&amp;", "&")
    second = client.get(nxt).get_data(as_text=True)
    assert second.count('class="list-group-item') == 1 and 'data-testid="pager-prev"' in second
    seen = re.findall(r'href="/records/(\d+)"', first) + re.findall(r'href="/records/(\d+)"', second)
    assert sorted(map(int, seen)) == sorted([city.rep_a.id, city.rep_a2.id, city.rep_n2.id])
    assert client.get("/records/representatives?after=garbage").status_code == 422


def test_only_a_city_admin_has_the_representatives_list(city, login):
    for who in (city.admin, city.manager_a, city.rep_a):
        assert login(who).get("/records/representatives").status_code == 403
    assert login(city.admin).get("/records/").headers["Location"].endswith(
        "/admin/users?role=representative")
    assert login(city.manager_a).get("/records/").headers["Location"].endswith(
        "/manage/representatives")


def test_home_dashboard_names_link_to_the_record(city, login):
    client = login(city.city_admin)
    html = client.get(f"/dashboard/home?home_id={city.home_a.id}&year=2026").get_data(as_text=True)
    assert f'href="/records/{city.rep_a.id}" data-testid="record-link"' in html
    assert f'/records/representatives?home_id={city.home_a.id}' in html
    manager = login(city.manager_a).get("/dashboard/home?year=2026").get_data(as_text=True)
    assert f'href="/records/{city.rep_a.id}" data-testid="record-link"' in manager


def _joint(city):
    """rep_b (苏州, Home B) organises, verified, with rep_a (南京, Home A) as co-organiser."""
    a = activities.create_activity(city.rep_b, {
        "theme": "innovation", "kind": "salon", "title": "宁苏联合沙龙", "date": "2026-03-02",
        "location": "会议室", "mode": "offline", "participants": 12, "summary": "交流",
        "worker_ids": [], "co_organizer_ids": [city.rep_a.id]})
    activities.review_activity(city.manager_b, a, "verify")
    _db.session.commit()
    return _db.session.get(Activity, a.id)


def test_city_admin_opens_joint_entries_of_its_homes_ledger(app, city, login):
    a = _joint(city)
    client = login(city.city_admin)
    html = client.get(f"/records/ledger/{city.home_a.id}?year=2026").get_data(as_text=True)
    assert 'data-testid="ledger-joint-link"' in html and f'/me/activities/{a.id}"' in html
    page = client.get(f"/me/activities/{a.id}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'data-testid="joint-read-only"' in body and "本市代表之家的代表" in body
    assert f"/me/activities/{a.id}/attendance" not in body and "/withdraw" not in body
    # Another city's admin has no Home on it: 404, and its ledger of Home B is 404 too.
    wuxi = factories.user(Role.CITY_ADMIN, username="wuxi_city", city="无锡市")
    _db.session.commit()
    other = login(wuxi)
    assert other.get(f"/me/activities/{a.id}").status_code == 404
    assert other.get(f"/records/ledger/{city.home_a.id}?year=2026").status_code == 404


def test_city_admin_of_the_organisers_city_reads_it_as_its_own(city, login):
    a = _joint(city)
    suzhou = factories.user(Role.CITY_ADMIN, username="suzhou_city", city="苏州市")
    _db.session.commit()
    body = login(suzhou).get(f"/me/activities/{a.id}").get_data(as_text=True)
    assert 'data-testid="joint-read-only"' not in body and a.title in body


# --- 7. survey results name the Home picked ---------------------------------------------------------

def test_survey_results_name_the_home_picked(city, login, monkeypatch):
    from tests.support.survey_data import INSIDE, published
    monkeypatch.setattr("services.clock.today", lambda: INSIDE)
    survey = published(city.admin)
    client = login(city.city_admin)
    html = client.get(f"/surveys/{survey.id}/results?home_id={city.home_a.id}").get_data(as_text=True)
    assert f'（<span data-testid="survey-scope">{city.home_a.name}</span>）' in html
    assert "本代表之家" not in html.split('data-testid="survey-responses"')[1].split("</p>")[0]
    whole = client.get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert '<span data-testid="survey-scope">南京市</span>' in whole
    mine = login(city.manager_a).get(f"/surveys/{survey.id}/results").get_data(as_text=True)
    assert f'<span data-testid="survey-scope">{city.home_a.name}</span>' in mine


# --- 8. the office's 待办 stay on its own page ------------------------------------------------------

def test_city_dashboard_shows_no_province_wide_todo(city, login):
    factories.appeal(city.rep_b)
    _db.session.commit()
    client = login(city.admin)
    assert 'data-testid="todo"' in client.get("/dashboard/province").get_data(as_text=True)
    html = client.get("/dashboard/city?city=南京市").get_data(as_text=True)
    assert "南京市概览" in html and 'data-testid="todo"' not in html
    assert 'data-testid="todo-overdue"' not in html
    own = login(city.city_admin).get("/dashboard/city").get_data(as_text=True)
    assert 'data-testid="todo"' not in own


def test_representatives_list_statements_do_not_grow(city, login):
    client = login(city.city_admin)
    client.get("/records/representatives")
    with count_statements() as few:
        client.get("/records/representatives")
    for i in range(12):
        factories.representative(city.home_n2 if i % 2 else city.home_a, username=f"more{i}")
    _db.session.commit()
    with count_statements() as many:
        html = client.get("/records/representatives").get_data(as_text=True)
    assert html.count('class="list-group-item') == 15
    assert len(many) == len(few)
