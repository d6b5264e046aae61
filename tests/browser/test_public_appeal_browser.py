"""代表码 in a browser on a 390×844 phone (SPEC §5.5): a sci-tech worker opens /r/{code} as after
scanning the QR code, leaves a suggestion, follows it by its receipt; the Home's manager resolves
it; the receipt page then shows 已办结 and the response. CSRF is on, as in production."""
from playwright.sync_api import expect

from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401

SUGGESTION = "建议为青年科技工作者设立专门的学术交流经费。"
RESPONSE = "已与市科技局沟通，明年起设立青年学术交流专项。"


def no_sideways_scroll(page):
    page.wait_for_load_state("load")  # the width counts once the stylesheets apply
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_worker_follows_a_suggestion_to_its_resolution(server, browser, world):  # noqa: F811
    watches = []
    worker = new_page(browser, watches)
    worker.goto(f"{server}/r/{world.rep_a.public_code}")
    expect(worker.get_by_test_id("rep-name")).to_have_text("代表甲")
    expect(worker.locator("[data-testid=rep-card] svg")).to_be_visible()
    expect(worker.locator("input[name=website]")).not_to_be_in_viewport()  # the honeypot
    no_sideways_scroll(worker)

    worker.select_option("#category", "policy")
    worker.fill("#content", SUGGESTION)
    worker.fill("#name", "王工")
    worker.fill("#contact", "13900001111")
    worker.get_by_role("button", name="提交").click()
    receipt_el = worker.get_by_test_id("receipt")
    expect(receipt_el).to_be_visible()
    receipt = receipt_el.inner_text().strip()
    assert len(receipt) >= 10
    no_sideways_scroll(worker)
    # The receipt page is a GET after a redirect: reloading it (as a phone does after switching
    # apps) shows the same receipt and files nothing more.
    assert worker.url.endswith(f"/r/{world.rep_a.public_code}/done")
    worker.reload()
    expect(receipt_el).to_have_text(receipt)

    worker.get_by_role("link", name="查看办理进度").click()
    expect(worker.get_by_test_id("status")).to_have_text("已受理")
    expect(worker.get_by_test_id("track-result")).to_contain_text("政策建议")
    expect(worker.locator("body")).not_to_contain_text(SUGGESTION)  # the receipt shows no content

    # The manager resolves it from the Home's appeals, where it is marked 来自代表码.
    manager = new_page(browser, watches)
    log_in(manager, server, world.manager_a)
    manager.goto(f"{server}/manage/appeals")
    item = manager.locator("[data-testid^=appeal-]").filter(has_text=SUGGESTION)
    expect(item).to_have_count(1)
    expect(item.get_by_test_id("from-qr")).to_have_text("来自代表码")
    item.locator("textarea[name=response]").fill(RESPONSE)
    item.get_by_role("button", name="办结").click()
    expect(manager.locator(".alert-success")).to_contain_text("已办结")

    # The worker comes back later through the /track form with the receipt.
    worker.goto(f"{server}/track")
    worker.fill("#receipt", receipt.lower())
    worker.get_by_role("button", name="查询").click()
    expect(worker.get_by_test_id("status")).to_have_text("已办结")
    expect(worker.get_by_test_id("response")).to_have_text(RESPONSE)
    no_sideways_scroll(worker)

    for watch in watches:
        watch.assert_clean()
