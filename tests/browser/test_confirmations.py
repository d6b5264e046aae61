# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""One tap must not take effect irreversibly: on a 390×844 phone, 停用 an account and 重置密码 ask
first (static/js/confirm.js on every page); dismissing changes nothing, accepting acts."""
from extensions import db
from models import User
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401


def _answer(page, accept: bool, messages: list):
    def handle(dialog):
        messages.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()
    page.once("dialog", handle)


def _fresh(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def test_deactivating_and_resetting_ask_first(browser, server, world):
    watches = []
    page = new_page(browser, watches)
    page.set_default_timeout(20000)
    log_in(page, server, world.manager_a)
    rep = world.rep_a2
    page.goto(server + "/manage/accounts")
    row = page.locator("tr").filter(has_text=rep.username)
    messages = []
    _answer(page, False, messages)
    row.get_by_role("button", name="停用").click()
    page.wait_for_timeout(300)
    assert messages and "确定停用" in messages[0] and rep.name in messages[0]
    assert "代表码" in messages[0]
    assert _fresh(rep).active is True
    _answer(page, True, messages)
    row.get_by_role("button", name="停用").click()
    page.wait_for_load_state()
    assert _fresh(rep).active is False

    before = _fresh(world.rep_a).password_hash
    page.goto(server + f"/account/users/{world.rep_a.id}")
    _answer(page, False, messages)
    page.get_by_role("button", name="重置密码").click()
    page.wait_for_timeout(300)
    assert "确定重置" in messages[-1]
    assert _fresh(world.rep_a).password_hash == before
    assert "只显示这一次" not in page.content()
    _answer(page, True, messages)
    page.get_by_role("button", name="重置密码").click()
    page.wait_for_load_state()
    assert "只显示这一次" in page.content()
    assert _fresh(world.rep_a).password_hash != before
    for watch in watches:
        watch.assert_clean()


def test_the_ledgers_withdrawal_asks_and_reports_on_the_ledger(browser, server, world):
    """On the 台账 print view (phone): 退出 asks first (dismissing keeps the co-organiser), then
    reports on the 台账 itself; the 联合开展 badge has a background and the date keeps one line."""
    from datetime import date

    import sqlalchemy as sa

    from models import activity_co_organizers
    from models.enums import ActivityStatus
    from services.clock import today
    from tests.support import factories as f
    year = today().year
    a = f.activity(world.rep_a, title="联合科普沙龙", date=date(year, 12, 5),
                   status=ActivityStatus.VERIFIED)
    db.session.execute(activity_co_organizers.insert().values(activity_id=a.id,
                                                              user_id=world.rep_b.id))
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    page.set_default_timeout(20000)
    log_in(page, server, world.manager_b)
    page.goto(f"{server}/records/ledger/{world.home_b.id}?year={year}")
    badge = page.get_by_test_id("ledger-joint-badge")
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") not in (
        "rgba(0, 0, 0, 0)", "transparent")
    cell = page.get_by_test_id("ledger-joint-entry").locator("td").first
    assert cell.inner_text() == f"{year}-12-05"
    lines = cell.evaluate("e => { const r = document.createRange(); r.selectNodeContents(e);"
                          " return new Set([...r.getClientRects()].map(x => Math.round(x.top)))"
                          ".size; }")
    assert lines == 1
    messages = []
    _answer(page, False, messages)
    page.get_by_test_id("ledger-withdraw").click()
    page.wait_for_timeout(300)
    assert messages and "退出该活动的联合组织" in messages[0]

    def still_there():
        return db.session.scalar(sa.select(sa.func.count()).select_from(activity_co_organizers)
                                 .where(activity_co_organizers.c.user_id == world.rep_b.id))
    assert still_there() == 1
    _answer(page, True, messages)
    page.get_by_test_id("ledger-withdraw").click()
    page.wait_for_load_state()
    assert f"/records/ledger/{world.home_b.id}" in page.url
    assert "已退出联合组织" in page.get_by_test_id("print-flash").inner_text()
    assert still_there() == 0
    for watch in watches:
        watch.assert_clean()
