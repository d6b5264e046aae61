"""Browser tests: the real app served on 127.0.0.1, driven by Debian's Chromium through Playwright.

A representative logs an activity through the form on a phone-sized screen, the manager verifies it
in the queue, and the province dashboard draws every chart (each plot container holds an svg);
the three roles' dashboards draw too. No console error, and no request leaves 127.0.0.1.

Chromium is /usr/bin/chromium (`apt-get install chromium`; never `playwright install`). If it is
missing these tests FAIL: they are in their own folder so they can be run apart
(`pytest tests/browser`).
"""
import os
import re
import threading
from datetime import date
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from extensions import db
from models import Activity
from models.enums import ActivityStatus, Kind, Theme
from services.clock import today
from tests.conftest import make_app
from tests.support import factories as f

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
LOCAL_SCHEMES = {"data", "blob", "about"}


@pytest.fixture(scope="module")
def live_app():
    """The app with CSRF on (as in production), on the test database."""
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture()
def server(live_app, db):
    """The real app on 127.0.0.1 and a free port, in a background thread."""
    srv = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}"
    finally:
        srv.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    assert os.path.exists(CHROMIUM), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watch:
    """Console errors, page errors and every request URL of a browser context."""

    def __init__(self, context):
        self.errors, self.urls = [], []
        context.on("request", lambda req: self.urls.append(req.url))
        context.on("response", lambda resp: resp.status >= 400 and self.errors.append(
            f"{resp.status} {resp.url}"))
        context.on("page", self._page)

    def _page(self, page):
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(
            f"{msg.text} {msg.location.get('url', '')}"))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def assert_clean(self):
        assert self.errors == []
        assert self.urls, "no request was seen"
        outside = [u for u in self.urls if urlsplit(u).scheme not in LOCAL_SCHEMES
                   and urlsplit(u).hostname != "127.0.0.1"]
        assert outside == []


def new_page(browser, watches, phone=True):
    context = browser.new_context(
        viewport=PHONE if phone else {"width": 1280, "height": 900},
        is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1,
        locale="zh-CN", timezone_id="Asia/Shanghai")
    watch = Watch(context)
    watches.append(watch)
    return context.new_page()


def log_in(page, base, user):
    page.goto(base + "/login")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("#submit")
    page.wait_for_load_state()
    if "/login/code" in page.url:  # the second factor (every role but representative)
        page.fill("input[name=otp]", f.otp(user.otp_secret))
        page.click("#submit")
        page.wait_for_load_state()
    assert "/login" not in page.url, page.content()[:500]


def charts_drawn(page, minimum):
    """Wait until every [data-figure] holds an svg; return how many there are."""
    page.wait_for_function(
        "n => { const els = [...document.querySelectorAll('[data-figure]')];"
        " return els.length >= n && els.every(el => el.querySelector('svg.main-svg')); }",
        arg=minimum, timeout=20000)
    return page.locator("[data-figure]").count()


@pytest.fixture()
def seeded(world):
    """A little of everything, committed: verified activities in both Homes, workers of rep_a."""
    w = world
    year = today().year
    for month, theme, kind in ((1, Theme.WINDOW, Kind.EXCHANGE),
                               (2, Theme.PARTY_BUILDING, Kind.THEORY_STUDY),
                               (2, Theme.INNOVATION, Kind.SALON)):
        f.activity(w.rep_a2, status=ActivityStatus.VERIFIED, date=date(year, month, 3),
                   theme=theme, kind=kind, participants=25)
    f.activity(w.rep_b, status=ActivityStatus.VERIFIED, date=date(year, 1, 8), participants=9)
    w.workers = [f.worker(linked_by=w.rep_a, name=f"工作者{i}") for i in range(3)]
    for wk in w.workers[:2]:
        f.contact(w.rep_a, wk, date(year, 1, 5))
    db.session.commit()
    return w


def test_log_verify_and_see_it_on_the_dashboards(browser, server, seeded):
    w = seeded
    watches = []
    title = "浏览器测试：科技工作者座谈会"

    # 1. A representative, on a phone, logs an activity through the form.
    rep = new_page(browser, watches)
    log_in(rep, server, w.rep_a)
    rep.goto(server + "/me/activities/new")
    rep.select_option("#theme", "window")
    rep.select_option("#kind", "exchange")
    rep.fill("#title", title)
    rep.fill("#participants", "42")
    rep.fill("#location", "南京市玄武区")
    rep.fill("#summary", "听取科技工作者关于科研经费报销的意见建议。")
    rep.check(f"#worker-{w.workers[2].id}")
    rep.click("button[name=action][value=submit]")
    rep.wait_for_load_state()
    expect(rep.locator(".alert-success")).to_contain_text("活动已提交审核")
    activity = db.session.query(Activity).filter_by(title=title).one()
    assert activity.status == ActivityStatus.SUBMITTED and activity.participants == 42
    assert activity.organizer_id == w.rep_a.id

    # The representative's own page draws its two charts (the contact ring counts the new link).
    rep.goto(server + "/dashboard/representative")
    assert charts_drawn(rep, 2) == 2
    expect(rep.get_by_test_id("contacted")).to_contain_text("3")

    # 2. The manager verifies it in the queue (phone too).
    manager = new_page(browser, watches)
    log_in(manager, server, w.manager_a)
    manager.goto(server + "/manage/queue")
    row = manager.locator(f"tr[data-activity-id='{activity.id}']")
    expect(row).to_contain_text(title)
    row.get_by_role("button", name="通过").click()
    manager.wait_for_load_state()
    expect(manager.locator(".alert-success")).to_contain_text("已审核通过")
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).status == ActivityStatus.VERIFIED

    # The Home dashboard: charts, and the representatives below five contacts.
    manager.goto(server + "/dashboard/home")
    assert charts_drawn(manager, 1) == 1
    expect(manager.get_by_test_id("below-threshold")).to_contain_text("代表甲")
    expect(manager.get_by_test_id("kpi-activities")).to_have_text("4")

    # 3. The provincial admin sees the province dashboard draw every chart, the new one counted.
    admin = new_page(browser, watches)
    log_in(admin, server, w.admin)
    admin.goto(server + "/dashboard/province")
    assert charts_drawn(admin, 5) == 5
    expect(admin.get_by_test_id("kpi-activities")).to_have_text("5")
    expect(admin.get_by_test_id("table-months")).to_contain_text("代表+窗口")
    # Filters stay in the URL.
    admin.select_option("select[name=city]", "苏州市")
    admin.get_by_role("button", name="筛选").click()
    admin.wait_for_load_state()
    assert re.search(r"city=%E8%8B%8F%E5%B7%9E%E5%B8%82", admin.url)
    assert charts_drawn(admin, 5) == 5
    expect(admin.get_by_test_id("kpi-activities")).to_have_text("1")

    for watch in watches:
        watch.assert_clean()


@pytest.mark.parametrize("role,path,charts", [
    ("rep_a", "/dashboard/representative", 2),
    ("manager_a", "/dashboard/home", 1),  # the heat map is a shaded table
    ("admin", "/dashboard/province", 5),
])
def test_each_role_logs_in_and_sees_its_dashboard(browser, server, seeded, role, path, charts):
    watches = []
    page = new_page(browser, watches, phone=False)
    log_in(page, server, getattr(seeded, role))
    page.goto(server + path)
    assert charts_drawn(page, charts) == charts
    # The charts are not wider than the screen on a phone either.
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    overflow = page.evaluate(
        "() => [...document.querySelectorAll('[data-figure]')]"
        ".map(el => el.getBoundingClientRect().right).filter(r => r > window.innerWidth + 1)")
    assert overflow == []
    watches[0].assert_clean()


def test_public_reports_without_login(browser, server, seeded):
    f.activity(seeded.rep_a, status=ActivityStatus.VERIFIED, published=True, title="公开报道一则")
    f.activity(seeded.rep_a, status=ActivityStatus.SUBMITTED, published=True, title="未审核报道")
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    page.goto(server + "/public/reports")
    expect(page.get_by_test_id("report")).to_have_count(1)
    expect(page.get_by_test_id("report")).to_contain_text("公开报道一则")
    watches[0].assert_clean()
