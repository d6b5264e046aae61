# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""On a 390×844 phone: the unread badge is in sight without opening the collapsed menu, and the
待办 panel is first on the landing page with each entry a working link.

Uses the fixtures of test_browser.py (the live app on port 0, Debian's Chromium).
"""
from extensions import db
from models import Notification
from models.enums import ActivityStatus
from tests.browser.test_browser import browser, live_app, log_in, new_page, seeded, server  # noqa: F401  (fixtures)
from tests.support import factories as f


def test_unread_badge_and_todo_on_a_phone(browser, server, seeded):
    w = seeded
    for i in range(3):
        db.session.add(Notification(user_id=w.rep_a.id, kind="test", title=f"通知{i}"))
    f.activity(w.rep_a, status=ActivityStatus.RETURNED, title="需要修改的活动")
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, w.rep_a)
    page.goto(server + "/me/")
    assert not page.locator("#nav").is_visible()  # the menu is collapsed
    badge = page.locator("[data-testid=unread-count-phone]")
    assert badge.is_visible() and badge.inner_text().strip() == "3"
    box = badge.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] < 80
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    panel = page.locator("[data-testid=todo]")
    assert panel.is_visible()
    assert page.locator("[data-testid=todo-returned-count]").inner_text().strip() == "1"
    page.click("[data-testid=todo-returned]")
    page.wait_for_load_state()
    assert "需要修改的活动" in page.content() and "status=returned" in page.url
    page.click("[data-testid=unread-phone]")
    page.wait_for_load_state()
    assert page.url.endswith("/notifications/")
    watches[0].assert_clean()


def test_desktop_keeps_one_badge(browser, server, seeded):
    db.session.add(Notification(user_id=seeded.rep_a.id, kind="test", title="通知"))
    db.session.commit()
    watches = []
    page = new_page(browser, watches, phone=False)
    log_in(page, server, seeded.rep_a)
    page.goto(server + "/me/")
    assert not page.locator("[data-testid=unread-phone]").is_visible()
    assert page.locator("[data-testid=unread-count]").is_visible()
    watches[0].assert_clean()
