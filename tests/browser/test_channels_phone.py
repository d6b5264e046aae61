# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""On a 390×844 phone: the manager's 群机器人推送 page and the 提醒方式 page fit without sideways
scrolling, a robot is saved and its test message queued from the phone, and the saved key is
never on the page.

Uses the fixtures of test_browser.py (the live app on port 0, Debian's Chromium).
"""
import sqlalchemy as sa

from extensions import db
from models import Delivery
from tests.browser.test_browser import browser, live_app, log_in, new_page, seeded, server  # noqa: F401  (fixtures)

KEY = "0f3c9a1e-5b7d-4c2a-9e8f-1a2b3c4d5e6f"


def test_robot_settings_and_preferences_on_a_phone(browser, server, seeded):
    w = seeded
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, w.manager_a)
    page.goto(server + "/channels/")
    assert page.url.endswith(f"/channels/homes/{w.home_a.id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#wecom-webhook_url", f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}")
    page.locator("[data-testid=robot-wecom] [type=submit]").first.click()
    page.wait_for_load_state()
    assert "企业微信群机器人已保存" in page.content()
    assert KEY not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("[data-testid=robot-wecom] [data-testid=send-test]")
    page.wait_for_load_state()
    assert "测试消息已排队" in page.content()
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 1
    page.goto(server + "/account/messages")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.uncheck("#email-queue")
    page.click("[data-testid=main-action]")
    page.wait_for_load_state()
    assert "提醒方式已保存" in page.content()
    assert not page.is_checked("#email-queue")
    watches[0].assert_clean()
