# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""公示异议 on a 390×844 phone (SPEC §5.6): a person files an objection from /public/results during
the window; the hidden honeypot field is out of sight; a bot that fills it is answered the same
and nothing is stored. CSRF is on, as in production."""
import sqlalchemy as sa
from playwright.sync_api import expect

from extensions import db
from models import Objection
from services import assessments as assessment_service
from services.clock import today
from tests.browser.test_browser import browser, live_app, new_page, server  # noqa: F401

TEXT = "该之家2025年的活动照片与实际不符，请核实。"


def _objections():
    db.session.expire_all()
    return db.session.scalars(sa.select(Objection)).all()


def test_objection_on_a_phone_and_the_honeypot(server, browser, world):
    a = assessment_service.create_assessment(world.admin, world.home_a.id, today().year - 1)
    assessment_service.finalize_assessment(world.admin, a)
    assessment_service.publish_assessment(world.admin, a)
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    page.goto(f"{server}/public/results")
    form = page.get_by_test_id("objection-form")
    expect(form).to_be_visible()
    expect(form.locator("input[name=website]")).not_to_be_in_viewport()
    form.get_by_label("姓名").fill("李四")
    form.get_by_label("联系方式").fill("13900002222")
    form.get_by_label("异议内容").fill(TEXT)
    button = form.get_by_role("button", name="提交异议")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    button.click()
    expect(page.get_by_test_id("objection-done")).to_contain_text("异议已受理")
    receipt = page.get_by_test_id("receipt").inner_text().strip()
    page.reload()  # a phone reloads the tab after switching apps: same receipt, nothing filed
    expect(page.get_by_test_id("receipt")).to_have_text(receipt)
    page.wait_for_load_state("load")  # the width counts once the stylesheets apply
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    [objection] = _objections()
    assert objection.text == TEXT and objection.assessment_id == a.id

    # A bot fills every field, the hidden one too: the same answer, nothing stored.
    bot = new_page(browser, watches)
    bot.goto(f"{server}/public/results")
    form = bot.get_by_test_id("objection-form")
    form.locator("#obj-name").fill("spam")
    form.locator("#obj-contact").fill("spam@example.com")
    form.locator("#obj-text").fill("http://spam.example")
    form.locator("input[name=website]").fill("http://spam.example", force=True)
    form.locator("button[type=submit]").click()
    expect(bot.get_by_test_id("objection-done")).to_contain_text("异议已受理")
    assert len(_objections()) == 1
    page.get_by_role("link", name="查看办理进度").click()
    expect(page.locator("body")).to_contain_text("已受理，正在核实")
    for watch in watches:
        watch.assert_clean()
