"""The city dashboard (SPEC §5.12, §8): /dashboard/city and GET /dashboard?city= give the province
dashboard's figures for one city's Homes; a city admin gets its own city, another city is 404, a
provincial admin may ask for any city; only the system administrator keeps city admin accounts."""
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, User
from models.enums import ActivityStatus, Level, Role
from services import dashboard
from tests.conftest import login_form
from tests.support import factories


@pytest.fixture()
def cities(world):
    world.city_admin = factories.user(Role.CITY_ADMIN, username="nanjing_city", city="南京市")
    world.system = factories.user(Role.SYSTEM_ADMIN, username="sys_admin")
    # A second Home in 南京, and activities in both cities.
    world.home_c = factories.home(factories.unit(name="南京某学会", city="南京市"))
    world.rep_c = factories.representative(world.home_c, username="rep_c", level=Level.COUNTY)
    for rep, n in ((world.rep_a, 3), (world.rep_c, 2), (world.rep_b, 4)):
        for i in range(n):
            factories.activity(rep, status=ActivityStatus.VERIFIED, date=date(2026, 3 + i, 2),
                               participants=10 + i)
    _db.session.commit()
    return world


def _keys_without_year(body):
    return {k: v for k, v in body.items() if k != "year"}


def test_city_admin_gets_its_city_by_default_and_404_for_another(cities, api):
    city = api(cities.city_admin)
    own = city.get("/dashboard?year=2026")
    assert own.status_code == 200
    assert city.get("/dashboard?year=2026&city=南京市").get_json() == own.get_json()
    assert city.get("/dashboard?year=2026&city=苏州市").status_code == 404
    assert city.get(f"/dashboard?year=2026&home_id={cities.home_b.id}").status_code == 404
    assert city.get(f"/dashboard?year=2026&home_id={cities.home_a.id}").status_code == 200
    assert city.get("/dashboard?year=2026&city=火星市").status_code == 422
    # Managers and representatives: their Home only.
    assert api(cities.manager_a).get("/dashboard?year=2026&city=南京市").status_code == 404
    assert api(cities.rep_a).get("/dashboard?year=2026&city=南京市").status_code == 404


def test_city_figures_equal_the_province_figures_for_the_same_homes(cities, api):
    admin = api(cities.admin)
    city_body = api(cities.city_admin).get("/dashboard?year=2026").get_json()
    assert admin.get("/dashboard?year=2026&city=南京市").get_json() == city_body
    assert city_body["activities_by_theme"]["window"] == 5  # 3 of Home A + 2 of Home C
    assert city_body["homes_active"] == 2
    assert admin.get("/dashboard?year=2026&city=苏州市").get_json()[
        "activities_by_theme"]["window"] == 4
    # Each Home's figures add up to the city's.
    homes = [admin.get(f"/dashboard?year=2026&home_id={h.id}").get_json()
             for h in (cities.home_a, cities.home_c)]
    assert sum(h["activities_by_theme"]["window"] for h in homes) == 5
    assert sum(h["representatives"] for h in homes) == city_body["representatives"]
    # The page shows the same service figures as the province dashboard filtered by the city.
    scope = dashboard.Scope(year=2026, city="南京市")
    page = dashboard.province_overview(scope)
    assert page["kpis"]["activities"] == 5
    assert {r["name"] for r in page["by_home"]} == {cities.home_a.name, cities.home_c.name}


def test_city_dashboard_page(app, cities):
    client = app.test_client()
    login_form(client, cities.city_admin)
    resp = client.get("/dashboard/city?year=2026")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "南京市概览" in html and cities.home_a.name in html and cities.home_c.name in html
    assert cities.home_b.name not in html
    assert 'data-testid="kpi-activities">5<' in html
    assert client.get("/dashboard/city?city=苏州市").status_code == 404
    assert client.get("/dashboard/province").status_code == 403
    assert client.get("/").headers["Location"].endswith("/dashboard/city")
    office = app.test_client()
    login_form(office, cities.admin)
    html = office.get("/dashboard/city?year=2026&city=苏州市").get_data(as_text=True)
    assert "苏州市概览" in html and cities.home_b.name in html
    login_form(m := app.test_client(), cities.manager_a)
    assert m.get("/dashboard/city").status_code == 403


def test_only_the_system_administrator_creates_city_admins(cities, api):
    body = {"username": "suzhou_city", "password": "Long-enough-pass-1", "name": "苏州市科协",
            "role": "city_admin", "city": "苏州市"}
    for who in (cities.admin, cities.manager_a, cities.city_admin):
        resp = api(who).post("/users", json={"role": "city_admin"})
        assert resp.status_code == 403, who.username
    system = api(cities.system)
    resp = system.post("/users", json={**body, "city": "火星市"})
    assert resp.status_code == 422 and "city" in resp.get_json()["error"]["fields"]
    resp = system.post("/users", json={k: v for k, v in body.items() if k != "city"})
    assert resp.status_code == 422 and "city" in resp.get_json()["error"]["fields"]
    resp = system.post("/users", json=body)
    assert resp.status_code == 201 and resp.get_json()["city"] == "苏州市"
    created = _db.session.scalar(sa.select(User).where(User.username == "suzhou_city"))
    assert created.role == Role.CITY_ADMIN and created.needs_second_factor
    # Moved to another city, or to another administrator role, by the system administrator only.
    assert api(cities.admin).patch(f"/users/{created.id}", json={"city": "无锡市"}).status_code \
        in (403, 404)
    resp = system.patch(f"/users/{created.id}", json={"city": "无锡市"})
    assert resp.status_code == 200 and resp.get_json()["city"] == "无锡市"
    resp = system.patch(f"/users/{created.id}", json={"role": "audit_admin"})
    assert resp.status_code == 200 and resp.get_json()["city"] is None
    entry = _db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "role_changed")
                                .order_by(AuditLog.id.desc())).first()
    assert entry.before == {"role": "city_admin", "city": "无锡市"}
    resp = system.patch(f"/users/{created.id}", json={"role": "city_admin"})
    assert resp.status_code == 422  # a city admin needs its city


def test_city_admin_gets_no_remember_me(app, cities):
    client = app.test_client()
    from models import LoginSession
    assert login_form(client, cities.city_admin, remember="y").status_code == 302
    rows = _db.session.scalars(sa.select(LoginSession).where(
        LoginSession.user_id == cities.city_admin.id)).all()
    assert rows and not any(r.remember for r in rows)


def test_create_user_command_takes_city(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "yz_city", "--password",
                                 "Long-enough-pass-1", "--role", "city_admin", "--city", "扬州市"])
    assert result.exit_code == 0, result.output
    assert _db.session.scalar(sa.select(User.city).where(User.username == "yz_city")) == "扬州市"
    result = runner.invoke(args=["create-user", "--username", "yz_city2", "--password",
                                 "Long-enough-pass-1", "--role", "city_admin"])
    assert result.exit_code != 0 and "city" in result.output
