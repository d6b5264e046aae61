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
from tests import factories as f
from tests.browser.test_browser import browser, live_app, log_in, new_page, seeded, server  # noqa: F401  (fixtures)

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
    assessment_service.finalize(w.admin, a)
    assessment_service.publish(w.admin, a)
    w.assessment = a
    w.society = society
    db.session.commit()
    return w


# (role, path, selector of the page's main action or figure — must be inside the viewport)
PAGES = [
    ("rep_a", "/me/", "a[href$='/me/activities/new']"),
    ("rep_a", "/me/activities", "[data-testid=main-action]"),
    ("rep_a", "/me/activities/new", "button[name=action][value=submit]"),
    ("rep_a", "/me/workers", "[data-testid=main-action]"),
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
    ("admin", "/admin/jobs/", "[data-testid=main-action]"),
    (None, "/public/homes", "[data-testid=main-action]"),
    (None, "/public/results", "[data-testid=main-action]"),
    (None, "/public/reports", "[data-testid=report]"),
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


@pytest.mark.parametrize("role,path,action", PAGES, ids=[p[1] for p in PAGES])
def test_page_fits_a_phone_and_passes_axe(browser, server, full, role, path, action):
    watches = []
    page = new_page(browser, watches)
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
    assert serious(page) == []
    watches[0].assert_clean()
