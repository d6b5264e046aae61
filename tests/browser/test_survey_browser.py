"""A survey answered on a 390×844 phone (SPEC §5.10): a sci-tech worker opens a representative's
survey link, sees the progress move, loses the network half-way (what was typed is kept in the
browser), comes back, submits; the office then sees the answer counted, with charts drawn by the
app's own plotly.js. CSRF is on, as in production."""
import contextlib
from datetime import timedelta

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from extensions import db as _db
from models import SurveyResponse
from services import surveys
from services.clock import today
from tests.browser.test_browser import (  # noqa: F401
    browser,
    charts_drawn,
    live_app,
    log_in,
    new_page,
    server,
)
from tests.browser.test_phone_a11y import serious, settle
from tests.support.survey_data import published, sheet


def no_sideways_scroll(page):
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_worker_answers_on_a_phone_through_a_dropped_network(server, browser, world):  # noqa: F811
    day = today()
    survey = published(world.admin, opens_on=(day - timedelta(days=1)).isoformat(),
                       closes_on=(day + timedelta(days=30)).isoformat())
    q = survey.questions
    watches = []
    phone = new_page(browser, watches)
    link = f"{server}/q/{survey.id}?rep={world.rep_a.public_code}"
    phone.goto(link)
    expect(phone.get_by_test_id("survey-title")).to_have_text(survey.title)
    expect(phone.locator("[data-answered]")).to_have_text("0")
    expect(phone.locator("input[name=website]")).not_to_be_in_viewport()  # the honeypot
    no_sideways_scroll(phone)

    phone.get_by_label("科研院所").check()
    expect(phone.locator("[data-answered]")).to_have_text("1")
    phone.get_by_label("人才评价").check()
    phone.get_by_label("职业发展").check()
    phone.locator(f"label[for=q-{q[2].id}-4]").click()
    phone.fill(f"#q-{q[3].id}", "希望简化科研经费报销。")
    expect(phone.locator("[data-answered]")).to_have_text("4")
    expect(phone.locator("[data-saved]")).to_be_visible()

    # The network drops; the page is opened again later: nothing typed is lost.
    phone.context.set_offline(True)
    with contextlib.suppress(PlaywrightError):  # the reload cannot reach the server offline
        phone.reload(timeout=3000)
    phone.context.set_offline(False)
    phone.goto(link)
    expect(phone.get_by_label("科研院所")).to_be_checked()
    expect(phone.get_by_label("人才评价")).to_be_checked()
    expect(phone.get_by_label("职业发展")).to_be_checked()
    expect(phone.locator(f"#q-{q[2].id}-4")).to_be_checked()
    expect(phone.locator(f"#q-{q[3].id}")).to_have_value("希望简化科研经费报销。")
    expect(phone.locator("[data-answered]")).to_have_text("4")

    phone.get_by_test_id("survey-submit").click()
    expect(phone.get_by_test_id("survey-thanks")).to_be_visible()
    no_sideways_scroll(phone)
    key = f"rephome-survey-{survey.id}"
    assert phone.evaluate(f"window.localStorage.getItem('{key}')") is None
    # The thank-you page is a GET after a redirect: a reload sends nothing again.
    assert phone.url.endswith(f"/q/{survey.id}/thanks")
    phone.reload()
    expect(phone.get_by_test_id("survey-thanks")).to_be_visible()

    _db.session.expire_all()
    response = _db.session.query(SurveyResponse).one()
    assert response.representative_id == world.rep_a.id

    office = new_page(browser, watches)
    log_in(office, server, world.admin)
    office.goto(f"{server}/surveys/{survey.id}/results")
    expect(office.get_by_test_id("survey-responses")).to_have_text("1")
    assert charts_drawn(office, 3) == 3
    no_sideways_scroll(office)
    for watch in watches[1:]:
        watch.assert_clean()
    errors = [e for e in watches[0].errors if "ERR_INTERNET_DISCONNECTED" not in e]
    assert errors == []


def test_the_office_builds_a_survey_on_a_phone(server, browser, world):  # noqa: F811
    """The builder on a phone: a question added without a round trip, moved up, saved; the
    preview shows the new order at phone width."""
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.admin)
    page.goto(f"{server}/surveys/new")
    no_sideways_scroll(page)
    page.fill("#title", "手机上建的问卷")
    blocks = page.get_by_test_id("question-block")
    expect(blocks).to_have_count(3)
    page.fill("#q-0-text", "您的单位类型")
    page.fill("#q-0-options", "高校\n企业")
    page.fill("#q-1-text", "满意度")
    page.select_option("#q-1-kind", "scale")
    expect(page.locator("#q-1-options")).to_be_hidden()  # options only for choice questions
    page.get_by_test_id("question-add").click()
    expect(blocks).to_have_count(4)  # added in the page, nothing posted
    page.fill("#q-3-text", "您的建议")
    page.select_option("#q-3-kind", "text")
    blocks.nth(3).get_by_role("button", name="上移").click()
    blocks.nth(2).get_by_role("button", name="上移").click()
    blocks.nth(1).get_by_role("button", name="上移").click()
    expect(blocks.first.locator("[data-number]")).to_have_text("1")
    expect(blocks.first.locator("input[id$='-text']")).to_have_value("您的建议")
    page.get_by_test_id("survey-save").click()
    expect(page.locator(".alert-success")).to_contain_text("问卷草稿已保存")
    page.get_by_test_id("survey-preview").click()
    phone = page.get_by_test_id("survey-preview-phone")
    expect(phone.get_by_test_id("survey-question")).to_have_count(3)
    expect(phone.get_by_test_id("survey-question").first).to_contain_text("您的建议")
    no_sideways_scroll(page)
    for watch in watches:
        watch.assert_clean()


SURVEY_PAGES = [
    (None, "/q/{s}?rep={code}", "[data-testid=survey-submit]"),
    ("rep_a", "/me/", "[data-testid=my-survey-card]"),
    ("rep_a", "/surveys/", "[data-testid=survey-card-link]"),
    ("admin", "/surveys/", "[data-testid=survey-new]"),
    ("admin", "/surveys/new", "[data-testid=survey-save]"),
    ("admin", "/surveys/{s}/edit", "[data-testid=survey-close]"),
    ("admin", "/surveys/{s}/preview", "[data-testid=survey-preview-phone]"),
    ("admin", "/surveys/{s}/codes", "[data-testid=codes-form] button"),
    ("admin", "/surveys/{s}/results", "[data-figure]"),
    ("admin", "/surveys/{s}/completion", "[data-testid=completion-homes]"),
    ("manager_a", "/surveys/{s}/results", "[data-figure]"),
]


@pytest.mark.parametrize("role,path,action", SURVEY_PAGES, ids=[p[1] for p in SURVEY_PAGES])
def test_survey_pages_fit_a_phone_and_pass_axe(server, browser, world, role, path,  # noqa: F811
                                               action):
    day = today()
    survey = published(world.admin, opens_on=(day - timedelta(days=1)).isoformat(),
                       closes_on=(day + timedelta(days=30)).isoformat())
    surveys.submit_response(survey, {"rep_code": world.rep_a.public_code,
                                     "answers": sheet(survey, text="意见")})
    _db.session.commit()
    watches = []
    page = new_page(browser, watches)
    page.set_default_timeout(20000)
    if role:
        log_in(page, server, getattr(world, role))
    page.goto(server + path.format(s=survey.id, code=world.rep_a.public_code))
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    target = page.locator(action).first
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, box)
    assert serious(page) == []
    watches[0].assert_clean()
