# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""On a 1366×768 desktop every dashboard table shows all its columns: none scrolls inside its box
(the province's activity comparison used to hide 代表+创新 and 合计, the Home's score ranking 状态)."""
from datetime import date
from decimal import Decimal

from extensions import db
from models import Assessment
from models.enums import AssessmentStatus, Grade
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.support import factories as f

YEAR = date.today().year


def _overflowing(page) -> list:
    return page.evaluate("""() => [...document.querySelectorAll('.table-responsive')]
        .filter(el => el.scrollWidth > el.clientWidth + 1)
        .map(el => [el.getAttribute('aria-label'), el.scrollWidth, el.clientWidth])""")


def test_dashboard_tables_fit_a_desktop_screen(browser, server, world):
    for home in (world.home_a, world.home_b):
        home.name = "江苏省南京市玄武区科学技术协会代表之家"[:len(home.name) + 12]
        db.session.add(Assessment(home_id=home.id, year=YEAR - 1, total=Decimal("81.25"),
                                  grade=Grade.GOOD, status=AssessmentStatus.PUBLISHED))
    f.activity(world.rep_a, date=date(YEAR, 1, 5))
    db.session.commit()
    watches = []
    desk = new_page(browser, watches, phone=False)
    desk.set_viewport_size({"width": 1366, "height": 768})
    log_in(desk, server, world.admin)
    desk.goto(f"{server}/dashboard/province?year={YEAR}")
    assert desk.locator("[data-testid=table-homes]").is_visible()
    assert _overflowing(desk) == []
    manager = new_page(browser, watches, phone=False)
    manager.set_viewport_size({"width": 1366, "height": 768})
    log_in(manager, server, world.manager_a)
    manager.goto(f"{server}/dashboard/home?year={YEAR}")
    assert manager.locator("[data-testid=table-scores]").is_visible()
    assert _overflowing(manager) == []
    for watch in watches:
        watch.assert_clean()
