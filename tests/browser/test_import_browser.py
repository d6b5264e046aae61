"""The import page in a real browser (issue 12): the upload shows its progress and then that the file
is being checked (static/js/import_upload.js under the CSP), lands on the dry run's report, and the
confirmation imports. No console error (a CSP violation would be one), nothing leaves 127.0.0.1."""
import re
import time

from playwright.sync_api import expect

from services import imports
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.support.import_files import REP_HEADER, reps, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_upload_shows_progress_then_report_then_import(browser, server, world, monkeypatch):  # noqa: F811
    real = imports.run_import

    def slow(*args, **kwargs):  # a long file: the check takes a while
        if kwargs.get("dry_run", True):
            time.sleep(1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "run_import", slow)
    watches = []
    page = new_page(browser, watches, phone=False)
    log_in(page, server, world.manager_a)
    page.goto(server + "/imports/")
    page.select_option("#kind", "representatives")
    page.set_input_files("#file", files=[{"name": "代表名册.xlsx", "mimeType": XLSX,
                                          "buffer": xlsx(REP_HEADER, reps(40), title_rows=1)}])
    page.click("form[data-upload-progress] button[type=submit]")
    status = page.locator("[data-upload-status]")
    expect(status).to_be_visible()
    expect(status).to_contain_text("正在逐行校验")
    expect(page.locator("[data-upload-bar]")).to_have_attribute("aria-valuenow", "100")
    page.wait_for_url(re.compile(r".*/imports/\d+$"))
    expect(page.locator("[data-testid=import-counts]")).to_contain_text("40")
    page.click("text=确认导入")
    page.wait_for_url(re.compile(r".*/imports/\d+$"))
    expect(page.locator("h1")).to_contain_text("已导入")
    expect(page.locator("text=下载新账号的用户名和激活码")).to_be_visible()
    for watch in watches:
        watch.assert_clean()


def test_refused_rows_read_whole_on_a_phone(browser, server, world):  # noqa: F811
    """On 390×844 the report's refused rows wrap: the reason is read without scrolling the table
    sideways (it was cut off at the screen's edge)."""
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.manager_a)
    page.goto(server + "/imports/")
    page.select_option("#kind", "representatives")
    rows = reps(3)
    rows[1][2] = "特级"  # 代表层级应为：省级、市级或县级 …
    rows[2][1] = "12345"
    page.set_input_files("#file", files=[{"name": "代表名册.xlsx", "mimeType": XLSX,
                                          "buffer": xlsx(REP_HEADER, rows)}])
    page.click("form[data-upload-progress] button[type=submit]")
    page.wait_for_url(re.compile(r".*/imports/\d+$"))
    table = page.get_by_test_id("refused-rows")
    expect(table).to_contain_text("代表层级")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widths = table.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] <= widths[1], f"the refused rows scroll sideways: {widths}"
    for cell in table.locator("td").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= 390, (cell.inner_text(), box)
    for watch in watches:
        watch.assert_clean()
