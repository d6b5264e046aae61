"""需求对接 in a browser on a 390×844 phone (SPEC §5.11): a company opens the form from a 代表码
page, files a need (a bad mobile first), gets the receipt and follows it; after the office,
the Home and a verified activity have served it, it rates the need once. CSRF is on."""
from playwright.sync_api import expect

from extensions import db
from models import Need
from models.base import utcnow
from models.enums import NeedStatus
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401


def no_sideways_scroll(page):
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_company_files_follows_and_rates_a_need(server, browser, world):  # noqa: F811
    watches = []
    phone = new_page(browser, watches)
    phone.goto(f"{server}/r/{world.rep_a.public_code}")
    phone.get_by_test_id("rep-need-link").click()
    expect(phone.get_by_test_id("need-hint")).to_contain_text("代表甲")
    expect(phone.locator("input[name=website]")).not_to_be_in_viewport()  # the honeypot
    no_sideways_scroll(phone)

    phone.get_by_label("企业技术需求").check()
    phone.fill("#title", "碳纤维复合材料热处理工艺改进")
    phone.fill("#description", "热处理后构件强度不稳定，希望专家现场指导。")
    phone.fill("#field", "新材料")
    phone.fill("#organization", "南京某新材料有限公司")
    phone.select_option("#city", "南京市")
    phone.fill("#contact_name", "王经理")
    phone.fill("#contact_mobile", "12345")
    phone.get_by_test_id("need-submit").click()
    expect(phone.locator("#contact_mobile-error")).to_contain_text("11位中国大陆手机号")
    expect(phone.locator("#title")).to_have_value("碳纤维复合材料热处理工艺改进")
    no_sideways_scroll(phone)
    phone.fill("#contact_mobile", "139 1234 5678")
    phone.get_by_test_id("need-submit").click()
    receipt = phone.get_by_test_id("receipt").inner_text().strip()
    assert len(receipt) >= 10
    no_sideways_scroll(phone)

    phone.get_by_test_id("track-link").click()
    expect(phone.get_by_test_id("need-status")).to_have_text("已受理")
    expect(phone.locator("body")).not_to_contain_text("13912345678")
    no_sideways_scroll(phone)

    # The office dispatches it on a phone too, seeing the suggestions.
    office = new_page(browser, watches)
    log_in(office, server, world.admin)
    need = db.session.query(Need).filter_by(receipt=receipt).one()
    assert need.hint_representative_id == world.rep_a.id
    office.goto(f"{server}/needs/{need.id}")
    office.select_option("#home_id", str(world.home_a.id))
    office.get_by_role("button", name="派单").click()
    expect(office.get_by_test_id("need-status")).to_have_text("已派单")
    no_sideways_scroll(office)

    # Served (the activity path is covered by the API tests): fulfilled, then rated on the phone.
    db.session.expire_all()
    need = db.session.get(Need, need.id)
    need.status, need.fulfilled_at = NeedStatus.FULFILLED, utcnow()
    db.session.commit()
    phone.goto(f"{server}/track")
    phone.fill("#receipt", receipt.lower())
    phone.get_by_role("button", name="查询").click()
    expect(phone.get_by_test_id("need-status")).to_have_text("已完成")
    phone.get_by_label("5 分").check()
    phone.fill("#comment", "代表很专业")
    phone.get_by_role("button", name="提交评价").click()
    expect(phone.get_by_role("status")).to_contain_text("感谢您的评价")
    expect(phone.get_by_test_id("need-status")).to_have_text("已关闭")
    expect(phone.get_by_test_id("need-rating")).to_have_count(0)
    no_sideways_scroll(phone)

    # The refused mobile answered 422 on purpose (its response and the console's note of it).
    watches[0].errors = [e for e in watches[0].errors if "422" not in e]
    for watch in watches:
        watch.assert_clean()
