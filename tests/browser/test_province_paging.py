# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""The province dashboard's per-Home tables on a 390×844 phone with more Homes than a page holds:
find a Home by name, page through the table, tap a Home's name to open its dashboard — without
sideways scrolling."""
from datetime import date

from extensions import db
from models.enums import ActivityStatus
from services.clock import today
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.support import factories as f

YEAR = today().year
SCROLL_WIDTH = "() => document.documentElement.scrollWidth"


def test_find_page_and_open_a_home_on_a_phone(browser, server, world):
    for i in range(60):
        home = f.home(name=f"测试{i:02d}号代表之家")
        f.activity(f.representative(home), status=ActivityStatus.VERIFIED,
                   date=date(YEAR, 1, 1 + i % 20))
    target = f.home(name="寻找目标代表之家")
    f.representative(target)
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    page.set_default_timeout(20000)
    log_in(page, server, world.admin)
    page.goto(f"{server}/dashboard/province?year={YEAR}")
    pager = page.locator("[data-testid=pager-homes]")
    assert pager.is_visible()
    pager.get_by_role("link", name="2", exact=True).click()
    page.wait_for_load_state()
    assert "homes_page=2" in page.url
    # The two Homes of `world`, the 60 and the target: 63 Homes, 13 on page 2.
    assert page.locator("[data-testid=table-homes] tbody tr").count() == 63 - 50
    assert page.evaluate(SCROLL_WIDTH) <= 390
    search = page.locator("[data-testid=home-search]")
    search.get_by_role("searchbox").fill("寻找目标")
    box = search.get_by_role("button", name="查找").bounding_box()
    assert box["x"] + box["width"] <= 390
    search.get_by_role("button", name="查找").click()
    page.wait_for_load_state()
    assert "名称含“寻找目标”的代表之家：1 家" in page.locator(
        "[data-testid=home-search-note]").inner_text()
    rows = page.locator("[data-testid=table-homes] tbody tr")
    assert rows.count() == 1
    assert page.evaluate(SCROLL_WIDTH) <= 390
    rows.get_by_role("link", name=target.name).click()
    page.wait_for_load_state()
    assert f"home_id={target.id}" in page.url and f"year={YEAR}" in page.url
    assert target.name in page.locator("h1").inner_text()
    watches[0].assert_clean()
