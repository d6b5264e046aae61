# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""Every role's pages on a 390×844 phone: no sideways scrolling, the main action on screen, and axe-core
(all rules, none disabled) finds no serious or critical violation — charts included.

Uses the fixtures of test_browser.py (the live app on port 0, Debian's Chromium).
"""
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe

from extensions import db
from models.enums import ActivityStatus, ApplicationStatus, UnitKind
from services import assessments as assessment_service
from services.clock import today
from tests.browser.test_browser import browser, live_app, log_in, new_page, seeded, server  # noqa: F401  (fixtures)
from tests.support import factories as f

AXE = Axe()
BAD = {"serious", "critical"}
LONG_HOME = "江苏省机械工程学会"


@pytest.fixture()
def full(seeded):
    """`seeded` plus what every list needs to show its action: a queue item, an application, a
    published assessment of a Home with a long name, a worker of rep_a, a round."""
    w = seeded
    year = today().year
    w.queued = f.activity(w.rep_a, title="待审核的科技工作者座谈会", date=today() - timedelta(days=2),
                          participants=None)
    w.round = f.round_(year=year, deadline=today() + timedelta(days=30))
    w.app = f.application(w.home_a.unit, w.round, status=ApplicationStatus.SUBMITTED)
    society = f.home(f.unit(name=LONG_HOME, kind=UnitKind.PROVINCIAL_SOCIETY))
    w.society_rep = f.representative(society, username="rep_soc", name="学会代表")
    f.activity(w.society_rep, status=ActivityStatus.VERIFIED, date=date(year, 1, 9), published=True)
    a = assessment_service.create_assessment(w.admin, society.id, year - 1)
    assessment_service.finalize_assessment(w.admin, a)
    assessment_service.publish_assessment(w.admin, a)
    w.assessment = a
    w.society = society
    f.appeal(w.rep_a, content="希望简化科研经费报销流程。")
    db.session.commit()
    return w


# (role, path, selector of the page's main action or figure — must be inside the viewport)
PAGES = [
    ("rep_a", "/me/", "[data-testid=main-action]"),
    ("rep_a", "/me/activities", "[data-testid=main-action]"),
    ("rep_a", "/me/activities/new", "button[name=action][value=submit]"),
    ("rep_a", "/me/workers", "[data-testid=year-contacts]"),
    ("rep_a", "/me/appeals", "[data-testid=main-action]"),
    ("rep_a", "/dashboard/representative", "[data-figure]"),
    ("manager_a", "/dashboard/home", "[data-figure]"),
    ("manager_a", "/manage/queue", "[data-testid=main-action]"),
    ("manager_a", "/manage/representatives", "[data-testid=main-action]"),
    ("manager_a", "/manage/accounts", "[data-testid=main-action]"),
    ("manager_a", "/manage/appeals", "[data-testid=main-action]"),
    ("manager_a", "/home/", "[data-testid=main-action]"),
    ("manager_a", "/applications/", "[data-testid=main-action]"),
    ("admin", "/dashboard/province", "[data-figure]"),
    ("admin", "/province/rounds", "[data-testid=main-action]"),
    ("admin", "/province/review", "[data-testid=main-action]"),
    ("admin", "/province/homes", "[data-testid=main-action]"),
    ("admin", "/province/assessments", "[data-testid=main-action]"),
    ("admin", "/admin/users", "[data-testid=main-action]"),
    ("admin", "/admin/units", "[data-testid=main-action]"),
    ("admin", "/admin/jobs/", "[data-testid^=job-]"),  # the office reads job runs (SPEC §5.13)
    (None, "/public/homes", "[data-testid=main-action]"),
    (None, "/public/results", "[data-testid=main-action]"),
    (None, "/public/reports", "[data-testid=report]"),
    (None, "/public/results/print", ".print-scroll"),
    (None, "/login", "#submit"),
]


def serious(page) -> list[str]:
    results = AXE.run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:3])
            for v in results.response["violations"] if v["impact"] in BAD]


def settle(page):
    page.wait_for_load_state("networkidle")
    if page.locator("[data-figure]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-figure]')]"
            ".every(el => el.querySelector('svg.main-svg'))", timeout=20000)
        page.wait_for_timeout(300)


DESKTOP = {"width": 1366, "height": 768}
OUTSIDE_CHART = """() => [...document.querySelectorAll('[data-figure]')].flatMap(el => {
  const r = el.getBoundingClientRect();
  return [...el.querySelectorAll('.ytick text, .xtick text, .gtitle')].filter(t => {
    const b = t.getBoundingClientRect();
    return b.width && (b.left < r.left - 1 || b.right > r.right + 1);
  }).map(t => t.textContent);
})"""


@pytest.mark.parametrize("role,path,action", PAGES, ids=[p[1] for p in PAGES])
def test_page_fits_a_phone_and_passes_axe(browser, server, full, role, path, action):
    """On 390×844: no sideways scrolling, the main action inside the viewport, chart labels
    inside their charts, no serious or critical axe violation; on 1366×768 (menu open) too."""
    watches = []
    page = new_page(browser, watches)
    page.set_default_timeout(20000)
    if role:
        log_in(page, server, getattr(full, role))
    page.goto(server + path)
    settle(page)
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"{path} scrolls sideways: {width}px"
    target = page.locator(action).first
    target.scroll_into_view_if_needed()
    box = target.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (path, box)
    assert page.evaluate(OUTSIDE_CHART) == []
    assert serious(page) == [], "phone"
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(300)
    assert serious(page) == [], "desktop"
    watches[0].assert_clean()


def test_long_home_names_are_whole_on_a_phone_chart(browser, server, full):
    watches = []
    page = new_page(browser, watches)
    page.set_default_timeout(20000)
    log_in(page, server, full.admin)
    page.goto(server + f"/dashboard/province?year={today().year - 1}")
    settle(page)
    labels = page.locator("[data-testid=chart-scores] .ytick text").all_text_contents()
    assert LONG_HOME in labels
    assert page.evaluate(OUTSIDE_CHART) == []
    watches[0].assert_clean()


def test_manager_verifies_and_returns_on_a_phone(browser, server, full):
    """The queue as cards: 通过 and 退回 on screen without scrolling sideways."""
    second = f.activity(full.rep_a2, title="第二个待审核活动", date=today() - timedelta(days=1))
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    page.set_default_timeout(20000)
    log_in(page, server, full.manager_a)
    page.goto(server + "/manage/queue")
    card = page.locator(f"tr[data-activity-id='{second.id}']")
    card.locator("input[name=comment]").fill("请补充签到表")
    button = card.get_by_role("button", name="退回")
    box = button.bounding_box()
    assert box["x"] + box["width"] <= 390
    button.click()
    page.wait_for_load_state()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    card = page.locator(f"tr[data-activity-id='{full.queued.id}']")
    card.get_by_role("button", name="通过").click()
    page.wait_for_load_state()
    db.session.expire_all()
    assert db.session.get(type(second), second.id).status == ActivityStatus.RETURNED
    assert db.session.get(type(second), full.queued.id).status == ActivityStatus.VERIFIED
    watches[0].assert_clean()


def test_review_asks_before_it_takes_effect(browser, server, full):
    watches = []
    page = new_page(browser, watches)
    page.set_default_timeout(20000)
    log_in(page, server, full.admin)
    page.goto(server + "/province/review")
    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("button", name="认定").first.click()
    page.wait_for_timeout(300)
    assert messages and "确定认定" in messages[0]
    db.session.expire_all()
    assert db.session.get(type(full.app), full.app.id).status == ApplicationStatus.SUBMITTED
    watches[0].assert_clean()


@pytest.mark.parametrize("role,path", [("manager_a", "/applications/"), (None, "/public/results")])
def test_desktop_tables_show_their_last_column(browser, server, full, role, path):
    """At 1366×768 the actions of /applications/ and the 公示中 badge are not cut off."""
    watches = []
    page = new_page(browser, watches, phone=False)
    page.set_default_timeout(20000)
    if role:
        log_in(page, server, getattr(full, role))
    page.set_viewport_size(DESKTOP)
    page.goto(server + path)
    settle(page)
    clipped = page.evaluate("() => [...document.querySelectorAll('.table-responsive')]"
                            ".filter(el => el.scrollWidth > el.clientWidth + 1).length")
    assert clipped == 0
    box = page.locator("[data-testid=main-action]").first.bounding_box()
    assert box["x"] + box["width"] <= DESKTOP["width"]
    watches[0].assert_clean()
