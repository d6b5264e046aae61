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
