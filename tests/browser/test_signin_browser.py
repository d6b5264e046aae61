# ruff: noqa: F811  (the fixtures of test_browser.py and tests/support/signin.py are imported)
"""活动签到 in a browser (SPEC §5.9): the organiser opens sign-in on a 390×844 phone and holds up the
QR code; ten people sign in on their phones at /s/{code} (one screen, no sideways scrolling); the
poster PDF opens and carries the title; the organiser submits and the contacts are counted."""
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from extensions import db
from models import Attendee
from services import compliance
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.support.signin import clock, event, pdf_text  # noqa: F401

HEIGHT = 844
AXE = Axe()


def axe_serious(page) -> list[str]:
    """axe-core's serious and critical violations on the page (all rules)."""
    return [f"{v['id']}: {v['help']}" for v in AXE.run(page).response["violations"]
            if v["impact"] in {"serious", "critical"}]


def no_sideways_scroll(page):
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_an_event_end_to_end_on_phones(server, browser, world, event, clock):
    watches = []
    organiser = new_page(browser, watches)
    log_in(organiser, server, world.rep_a)
    organiser.goto(f"{server}/me/activities/{event.id}")
    organiser.get_by_role("button", name="开启签到").click()
    expect(organiser.get_by_test_id("signin-qr").locator("svg")).to_be_visible()
    url = organiser.get_by_test_id("signin-url").inner_text().strip()
    assert "/s/" in url
    no_sideways_scroll(organiser)
    assert axe_serious(organiser) == []

    poster = organiser.request.get(f"{server}/me/activities/{event.id}/signin/poster.pdf")
    assert poster.ok and poster.headers["content-type"] == "application/pdf"
    body = poster.body()
    assert body.startswith(b"%PDF") and b"/Type /Page" in body
    assert "青年科技工作者座谈会" in pdf_text(body)

    code = url.rsplit("/", 1)[1]
    for i in range(10):
        phone = new_page(browser, watches)
        phone.goto(f"{server}/s/{code}")
        expect(phone.get_by_test_id("activity-title")).to_have_text("青年科技工作者座谈会")
        button = phone.get_by_role("button", name="签到")
        box = button.bounding_box()
        assert box["y"] + box["height"] <= HEIGHT, "the form fits one phone screen"
        expect(phone.get_by_test_id("privacy")).to_contain_text("天后删除")
        expect(phone.locator("input[name=website]")).not_to_be_in_viewport()
        no_sideways_scroll(phone)
        if i == 0:
            assert axe_serious(phone) == []
        phone.fill("#name", f"参会者{i}")
        phone.fill("#mobile", f"+86 138 0000 {i:04d}")
        phone.fill("#work_unit", "南京大学")
        if i < 6:
            phone.check("#is_worker")
        button.click()
        expect(phone.get_by_test_id("attendee-no")).to_have_text(str(i + 1))
        no_sideways_scroll(phone)
        phone.context.close()

    organiser.reload()
    expect(organiser.get_by_test_id("signin-count")).to_have_text("签到 10 人")
    organiser.get_by_role("link", name="签到名单").click()
    expect(organiser.get_by_test_id("count")).to_have_text("10")
    expect(organiser.get_by_test_id("workers")).to_have_text("6")
    no_sideways_scroll(organiser)
    assert axe_serious(organiser) == []
    organiser.goto(f"{server}/me/activities/{event.id}")
    organiser.get_by_role("button", name="提交审核").click()
    expect(organiser.locator(".alert-success")).to_contain_text("已提交审核")
    organiser.goto(f"{server}/me/")
    expect(organiser.get_by_test_id("contacted-count")).to_have_text("6")  # the six workers

    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 10
    assert compliance.contacted_count(world.rep_a.id, clock.today.year) == 6
    for watch in watches:
        watch.assert_clean()
