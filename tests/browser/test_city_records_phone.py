# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""On a 390×844 phone, a city administrator reaches a representative's 履职档案 (SPEC §5.12): 履职档案
from /records/ lists its city's representatives only, the 代表之家 filter narrows the list, a name
opens the record read-only; no sideways scrolling, nothing asked of the internet, no console error.

Uses the fixtures of test_browser.py (the live app on port 0, Debian's Chromium).
"""
from extensions import db
from models.enums import Role, UnitKind
from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    browser,
    live_app,
    log_in,
    new_page,
    server,
)
from tests.support import factories as f

PHONE_WIDTH = 390


def test_city_admin_reaches_a_record_on_a_phone(browser, server, world):
    home_c = f.home(f.unit(name="南京某企业科协", kind=UnitKind.ENTERPRISE_ASSOCIATION,
                           city="南京市"), name="南京某企业科协代表之家（名称较长用于检查换行）")
    rep_c = f.representative(home_c, username="rep_c", name="代表丁")
    city_admin = f.user(Role.CITY_ADMIN, username="nanjing_city", city="南京市")
    db.session.commit()

    watches = []
    page = new_page(browser, watches)
    log_in(page, server, city_admin)
    page.goto(f"{server}/records/")
    page.wait_for_load_state()
    assert page.url.endswith("/records/representatives")
    listed = page.get_by_test_id("representatives")
    for name in ("代表甲", "代表乙", "代表丁"):
        assert listed.get_by_text(name).count() == 1, name
    assert listed.get_by_text("代表丙").count() == 0  # 苏州市
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    page.get_by_test_id("home-filter").select_option(str(home_c.id))
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    assert listed.get_by_text("代表甲").count() == 0
    listed.get_by_text("代表丁").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/records/{rep_c.id}")
    assert "代表丁" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    for watch in watches:
        watch.assert_clean()
