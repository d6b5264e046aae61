# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""What people wrote keeps its line breaks, and a long unbroken string (a pasted link) wraps: on a
390×844 phone the activity summary and an appeal with its response read as written, and the page
does not scroll sideways."""
from extensions import db
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.support import factories as f

LINK = "https://example.com/" + "a" * 200
SUMMARY = f"一、座谈会议程\n二、科研经费使用交流\n三、材料：{LINK}"


def _lines(locator) -> int:
    """How many lines of text the element shows (height over line height)."""
    return locator.evaluate("el => Math.round(el.getBoundingClientRect().height"
                            " / parseFloat(getComputedStyle(el).lineHeight))")


def test_summaries_and_appeals_read_as_written_on_a_phone(browser, server, world):
    activity = f.activity(world.rep_a, summary=SUMMARY)
    f.appeal(world.rep_a, content=f"第一条：经费报销慢\n第二条：{LINK}",
             response="已转市科技局。\n预计下月答复。")
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.rep_a)
    page.goto(f"{server}/me/activities/{activity.id}")
    summary = page.locator(".activity-summary")
    assert summary.evaluate("el => getComputedStyle(el).whiteSpace") == "pre-line"
    assert _lines(summary) >= 4  # three written lines, the link wrapped onto more
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(f"{server}/me/appeals")
    content = page.locator("p").filter(has_text="第一条")
    assert _lines(content) >= 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for watch in watches:
        watch.assert_clean()
