# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""On a 390×844 phone (SPEC §5.12): a representative picks a co-organiser of another Home by name
on the activity form; the office sets a year's 经费奖补 rates and records a payment — no sideways
scrolling, no console errors."""
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect

from extensions import db
from models import Activity, Assessment, SubsidyPayment
from models.enums import AssessmentStatus, Grade
from services.clock import today
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401


def _no_sideways(page):
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_picking_a_co_organiser_of_another_home(server, browser, world):
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.rep_a)
    page.goto(f"{server}/me/activities/new")
    page.select_option("#theme", "innovation")
    page.select_option("#kind", "salon")
    page.fill("#title", "跨之家联合沙龙")
    page.fill("#summary", "两家代表之家联合开展的专题沙龙。")
    page.locator("label[for=mode-offline]").click()
    search = page.get_by_test_id("co-search")
    search.scroll_into_view_if_needed()
    search.fill(world.rep_b.name)
    result = page.get_by_test_id("co-results").locator("li", has_text=world.home_b.name)
    expect(result).to_be_visible()
    assert "13" not in result.inner_text()  # name and Home only
    result.click()
    expect(page.get_by_test_id("co-others").locator(f"input[value='{world.rep_b.id}']")) \
        .to_be_checked()
    _no_sideways(page)
    page.click("button[name=action][value=submit]")
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text("活动已提交审核")
    db.session.expire_all()
    activity = db.session.scalar(sa.select(Activity))
    assert activity is not None, page.content()[:800]
    assert [u.id for u in activity.co_organizers] == [world.rep_b.id]
    assert activity.home_id == world.home_a.id
    for watch in watches:
        watch.assert_clean()


def _office_on_subsidies(server, browser, world):
    """Last year's excellent, published result of Home A whose window has ended; the office on
    the 经费奖补 page of that year on a phone. (year, page, watches)."""
    year = today().year - 1
    db.session.add(Assessment(home_id=world.home_a.id, year=year, status=AssessmentStatus.PUBLISHED,
                              total=Decimal("91"), grade=Grade.EXCELLENT,
                              publicity_start=today() - timedelta(days=10),
                              publicity_end=today() - timedelta(days=3)))
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.admin)
    page.goto(f"{server}/subsidies/?year={year}")
    return year, page, watches


def test_the_office_sets_rates_and_pays_on_a_phone(server, browser, world):
    year, page, watches = _office_on_subsidies(server, browser, world)
    page.fill("#rate-excellent", "50000")
    page.fill("#rate-good", "30000")
    page.fill("#rate-pass", "10000.5")
    page.get_by_role("button", name="保存标准").click()
    expect(page.locator(".alert-success")).to_contain_text("奖补标准已保存")
    expect(page.get_by_test_id("total-amount")).to_contain_text("50,000.00")
    form = page.get_by_test_id("pay-form")
    form.get_by_label("凭证号").fill("记-2026-118")
    button = form.get_by_role("button", name="登记拨付")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    button.click()
    expect(page.locator(".alert-success")).to_contain_text("拨付已登记")
    expect(page.get_by_test_id("row-paid")).to_contain_text("记-2026-118")
    _no_sideways(page)
    db.session.expire_all()
    payment = db.session.scalar(sa.select(SubsidyPayment))
    assert payment.amount == Decimal("50000.00") and payment.voucher == "记-2026-118"
    for watch in watches:
        watch.assert_clean()


def test_reversing_checks_the_reason_before_asking_and_amounts_stay_whole(server, browser, world):
    """红冲 with the reason empty: the browser's required-field message, no confirmation dialog,
    nothing sent; with a reason the dialog comes. Amounts of 230,000.00 元 keep to one line."""
    year, page, watches = _office_on_subsidies(server, browser, world)
    for field, value in (("#rate-excellent", "230000"), ("#rate-good", "1"), ("#rate-pass", "1")):
        page.fill(field, value)
    page.get_by_role("button", name="保存标准").click()
    page.get_by_test_id("pay-form").get_by_label("凭证号").fill("记-1")
    page.get_by_role("button", name="登记拨付").click()
    expect(page.get_by_test_id("row-paid")).to_be_visible()
    for testid in ("total-amount", "total-paid", "row-amount"):
        one_line = page.get_by_test_id(testid).evaluate(
            "e => e.getClientRects().length === 1 && e.scrollWidth <= e.clientWidth + 1 &&"
            " e.getBoundingClientRect().height < 2 * parseFloat(getComputedStyle(e).lineHeight)")
        assert one_line, testid
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.locator("summary", has_text="红冲").click()
    page.get_by_role("button", name="红冲", exact=True).click()
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.locator("input[name=reason]").evaluate("e => !e.validity.valid && e === "
                                                       "document.activeElement")
    page.fill("input[name=reason]", "金额有误")
    page.get_by_role("button", name="红冲", exact=True).click()
    page.wait_for_timeout(300)
    assert len(dialogs) == 1 and "确定红冲" in dialogs[0]
    db.session.expire_all()
    assert db.session.scalar(sa.select(SubsidyPayment)).current is not None
    _no_sideways(page)
    for watch in watches:
        watch.assert_clean()
