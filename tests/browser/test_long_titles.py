# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""A title may be 200 characters without a space (a link pasted as the title): it wraps. On a
390×844 phone no page scrolls sideways; on a 1366×768 desktop the queue keeps 通过 and 退回 on
screen beside it."""
from extensions import db
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.support import factories as f

LINK = "https://mp.weixin.qq.com/s/" + "Ab1" * 57  # 198 characters, no space


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_a_long_unbroken_title_wraps_on_a_phone_and_in_the_desktop_queue(browser, server, world):
    activity = f.activity(world.rep_a, title=LINK, location="X" * 200)
    db.session.commit()
    watches = []
    rep = new_page(browser, watches)
    log_in(rep, server, world.rep_a)
    for path in (f"/me/activities/{activity.id}", "/me/activities"):
        rep.goto(server + path)
        assert _width(rep) <= 390, (path, _width(rep))
    manager = new_page(browser, watches)
    log_in(manager, server, world.manager_a)
    for path in ("/manage/queue", "/manage/activities", f"/manage/activities/{activity.id}"):
        manager.goto(server + path)
        assert _width(manager) <= 390, (path, _width(manager))
    desk = new_page(browser, watches, phone=False)
    desk.set_viewport_size({"width": 1366, "height": 768})
    log_in(desk, server, world.manager_a)
    desk.goto(server + "/manage/queue")
    region = desk.locator(".table-responsive").first
    scroll, client = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll <= client, f"the queue scrolls sideways: {scroll} > {client}"
    row = desk.locator(f"tr[data-activity-id='{activity.id}']")
    box = row.get_by_role("button", name="退回").bounding_box()
    assert box and box["x"] + box["width"] <= 1366
    for watch in watches:
        watch.assert_clean()
