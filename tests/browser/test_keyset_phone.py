# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""Keyset pages on a 390×844 phone: a manager walks the verification queue with 下一页 and comes
back with 上一页; the links keep the filter, the pager fits the screen, and each page shows the
rows of its place in the queue exactly once."""
from datetime import timedelta

from extensions import db
from models.base import utcnow
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.support import factories as f

_ROWS = "() => [...document.querySelectorAll('[data-row-id]')].map(el => +el.dataset.rowId)"


def test_queue_pages_forward_and_back_on_a_phone(browser, server, world):
    start = utcnow()
    made = [f.activity(world.rep_a, title=f"待审核{i:02d}", submitted_at=start + timedelta(
        seconds=i // 10)) for i in range(57)]  # ties: ten activities share each instant
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.manager_a)
    page.goto(server + "/manage/queue?q=待审核")
    first = page.evaluate(_ROWS)
    assert first == [a.id for a in made[:50]]
    assert page.locator("[data-testid=pager-prev]").count() == 0
    assert page.locator("[data-testid=pager-total]").inner_text() == "共 57 条"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("[data-testid=pager-next]").click()
    page.wait_for_load_state()
    assert "q=" in page.url and "after=" in page.url
    assert page.evaluate(_ROWS) == [a.id for a in made[50:]]
    assert page.locator("[data-testid=pager-next]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("[data-testid=pager-prev]").click()
    page.wait_for_load_state()
    assert page.evaluate(_ROWS) == first
    assert page.locator("[data-testid=pager-prev]").count() == 0
    for watch in watches:
        watch.assert_clean()
