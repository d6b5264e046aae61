# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""On a 390×844 phone, a city administrator's dashboard (/dashboard/city, SPEC §5.12): it loads with
its city's figures only, draws its charts, needs no sideways scrolling, its figures are readable
(inside the screen, at least 12 px), and it asks nothing of the internet and logs no console error.

Uses the fixtures of test_browser.py (the live app on port 0, Debian's Chromium).
"""
import os
from datetime import date

from playwright.sync_api import expect

from extensions import db
from models.enums import ActivityStatus, Kind, Role, Theme, UnitKind
from services.clock import today
from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    browser,
    charts_drawn,
    live_app,
    log_in,
    new_page,
    server,
)
from tests.support import factories as f

PHONE_WIDTH = 390


def test_the_city_dashboard_on_a_phone(browser, server, world):
    year = today().year
    home_c = f.home(f.unit(name="南京某企业科协", kind=UnitKind.ENTERPRISE_ASSOCIATION,
                           city="南京市"), name="南京某企业科协代表之家（名称较长用于检查换行）")
    rep_c = f.representative(home_c, username="rep_c", name="代表丁")
    for rep, month, theme, kind in ((world.rep_a, 1, Theme.WINDOW, Kind.EXCHANGE),
                                    (world.rep_a2, 2, Theme.PARTY_BUILDING, Kind.THEORY_STUDY),
                                    (rep_c, 2, Theme.INNOVATION, Kind.SALON)):
        f.activity(rep, status=ActivityStatus.VERIFIED, date=date(year, month, 3), theme=theme,
                   kind=kind, participants=25)
    for _ in range(2):  # 苏州市: never on 南京市's dashboard
        f.activity(world.rep_b, status=ActivityStatus.VERIFIED, date=date(year, 1, 8))
    for i in range(5):
        f.contact(world.rep_a, f.worker(world.rep_a, name=f"工作者{i}"), date(year, 1, 5))
    city_admin = f.user(Role.CITY_ADMIN, username="nanjing_city", city="南京市")
    db.session.commit()

    watches = []
    page = new_page(browser, watches)
    log_in(page, server, city_admin)
    page.goto(f"{server}/dashboard/city")
    page.wait_for_load_state()
    assert "/dashboard/city" in page.url
    expect(page.get_by_test_id("city-fixed")).to_have_text("南京市")
    charts_drawn(page, 1)
    expect(page.get_by_test_id("kpi-activities")).to_have_text("3")
    expect(page.get_by_test_id("kpi-homes")).to_have_text("2")
    expect(page.get_by_test_id("kpi-representatives")).to_have_text("3")
    html = page.content()
    assert home_c.name in html and world.home_a.name in html
    assert world.home_b.name not in html and "代表丙" not in html

    # No sideways scrolling, on the page and after the charts drew.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    assert page.evaluate("document.body.scrollWidth") <= PHONE_WIDTH
    # Every figure is on the screen's width and readable.
    kpis = page.locator("[data-testid=kpis] .kpi")
    assert kpis.count() >= 8
    for i in range(kpis.count()):
        figure = kpis.nth(i)
        box = figure.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, i
        size = figure.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 12, (i, size)
        assert figure.inner_text().strip(), i
        # The figure is not cut off: its text fits its box.
        assert figure.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), i
    labels = page.locator("[data-testid=kpis] .kpi-label")
    for i in range(labels.count()):
        size = labels.nth(i).evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert size >= 12, (i, size)
    if os.environ.get("SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOTS"], "city-dashboard-phone.png"),
                        full_page=True)
    for watch in watches:
        watch.assert_clean()
