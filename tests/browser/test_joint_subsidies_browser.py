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


def test_the_office_sets_rates_and_pays_on_a_phone(server, browser, world):
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
