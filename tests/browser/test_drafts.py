"""Local drafts in a real browser: the activity summary typed on a phone survives a reload (in
the form's IndexedDB draft), is kept when the server refuses the form, and is cleared once the
activity is saved."""
from playwright.sync_api import expect

from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.browser.test_offline_browser import DRAFTS, wait_for_drafts

TEXT = "社区科普讲座，听取科技工作者关于科研经费报销的意见建议。" * 20


def test_summary_draft_survives_reload_and_refusal_and_clears_after_save(browser, server, world):  # noqa: F811
    watches = []
    page = new_page(browser, watches)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, server, world.rep_a)

    page.goto(server + "/me/activities/new")
    page.fill("#summary", TEXT)
    wait_for_drafts(page, lambda d: len(d) == 1)

    # The page is lost (reloaded, or the phone dropped it): the text comes back.
    page.reload()
    expect(page.locator("#summary")).to_have_value(TEXT)
    expect(page.locator("[data-form-draft-notice]")).to_contain_text("已恢复本机保存的草稿")

    # Refused by the server (no theme or title): the form comes back and the draft stays.
    page.click("button[name=action][value=submit]")
    expect(page.locator(".alert-danger")).to_contain_text("请修改标出的内容")
    expect(page.locator("#summary")).to_have_value(TEXT)
    assert len(page.evaluate(DRAFTS)) == 1

    # Saved: the success page clears the draft.
    page.select_option("#theme", "window")
    page.select_option("#kind", "exchange")
    page.fill("#title", "浏览器测试：草稿")
    page.fill("#participants", "12")
    page.click("button[name=action][value=draft]")
    expect(page.locator(".alert-success")).to_contain_text("活动已保存为草稿")
    assert page.evaluate(DRAFTS) == []

    # A new form starts empty again.
    page.goto(server + "/me/activities/new")
    expect(page.locator("#summary")).to_have_value("")
    assert errors == []
