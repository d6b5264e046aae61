"""新建代表账号 on its own page: the manager never sets a password — the account gets an activation
code as imported ones do, shown once (no-store) on a printable slip with the platform's login
address; the code logs in once and asks for the representative's own password."""
import re

import sqlalchemy as sa

from models import AuditLog, User
from services import accounts


def test_the_account_page_links_the_form_at_the_top(world, login):
    client = login(world.manager_a)
    html = client.get("/manage/accounts").get_data(as_text=True)
    assert 'data-testid="new-account"' in html and 'name="password"' not in html
    assert html.index('data-testid="new-account"') < html.index("<table")
    form = client.get("/manage/accounts/new").get_data(as_text=True)
    assert 'data-testid="new-account-form"' in form
    assert 'name="password"' not in form and "激活码" in form


def test_a_new_account_gets_a_code_shown_once(world, db, login, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://rephome.example.gov.cn")
    client = login(world.manager_a)
    resp = client.post("/manage/accounts/new", data={
        "username": "newrep", "name": "新代表", "level": "county", "mobile": "13900001111",
        "password": "Manager-chosen-1"})  # a password sent anyway is ignored
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/manage/accounts/new/slip")
    resp = client.get("/manage/accounts/new/slip")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    html = resp.get_data(as_text=True)
    code = re.search(r'data-testid="activation-code">([^<]+)<', html).group(1)
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    assert 'data-testid="login-url">https://rephome.example.gov.cn/login<' in html
    assert "data-print" in html
    user = db.session.scalar(sa.select(User).where(User.username == "newrep"))
    assert user.must_change_password and user.activation_code_hash and code not in str(user.__dict__)
    assert not user.check_password("Manager-chosen-1")
    assert user.home_id == world.home_a.id and user.name_key == "xin1 dai4 biao3"
    assert db.session.scalar(sa.select(AuditLog).where(
        AuditLog.action == "create", AuditLog.object_id == user.id)) is not None
    # The code logs in (by username or mobile) and the first page asks for a password.
    assert accounts.check_credentials("13900001111", code).id == user.id
    client.post("/logout")
    resp = client.post("/login", data={"username": "newrep", "password": code})
    assert resp.status_code == 302
    assert "first-password" in client.get("/me/", follow_redirects=False).headers.get("Location", "")


def test_only_the_manager_creates_here(world, login):
    for who in (world.rep_a, world.admin):
        assert login(who).post("/manage/accounts/new", data={"username": "x"}).status_code == 403


def _create(client, username, mobile):
    resp = client.post("/manage/accounts/new", data={
        "username": username, "name": "新代表", "level": "county", "mobile": mobile})
    assert resp.status_code == 303, resp.get_data(as_text=True)[:500]
    return resp


def _code(html):
    found = re.search(r'data-testid="activation-code">([^<]+)<', html)
    return found.group(1) if found else None


def test_reloading_the_slip_shows_the_same_code_and_creates_nothing(world, db, login):
    """Phones reload a tab after switching apps: the slip is a GET page, so a reload neither posts
    the form again (no 用户名已存在) nor loses the code."""
    client = login(world.manager_a)
    _create(client, "newrep", "13900001111")
    first = client.get("/manage/accounts/new/slip").get_data(as_text=True)
    code = _code(first)
    assert code and "用户名已存在" not in first
    for _ in range(2):
        again = client.get("/manage/accounts/new/slip")
        assert again.headers["Cache-Control"] == "no-store"
        assert _code(again.get_data(as_text=True)) == code
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.username == "newrep")) == 1
    # Another account replaces the slip.
    _create(client, "newrep2", "13900002222")
    second = _code(client.get("/manage/accounts/new/slip").get_data(as_text=True))
    assert second and second != code and "newrep2" in client.get(
        "/manage/accounts/new/slip").get_data(as_text=True)


def test_the_slip_is_never_shown_to_another_user_or_after_use(world, db, login, app):
    client = login(world.manager_a)
    _create(client, "newrep", "13900001111")
    code = _code(client.get("/manage/accounts/new/slip").get_data(as_text=True))
    # Another manager (another browser) sees no code.
    html = login(world.manager_b).get("/manage/accounts/new/slip").get_data(as_text=True)
    assert _code(html) is None and "激活码只显示一次" in html
    # Once the code is used it is no longer shown, even to its creator.
    user = db.session.scalar(sa.select(User).where(User.username == "newrep"))
    user.activation_code_hash = None  # used: the representative set a password
    db.session.commit()
    html = client.get("/manage/accounts/new/slip").get_data(as_text=True)
    assert _code(html) is None and "激活码只显示一次" in html and code not in html


def test_the_slip_ends_with_the_session_and_with_time(world, db, login, monkeypatch):
    client = login(world.manager_a)
    _create(client, "newrep", "13900001111")
    monkeypatch.setattr("blueprints.manage.routes.SLIP_SECONDS", -1)  # the time is over
    html = client.get("/manage/accounts/new/slip").get_data(as_text=True)
    assert _code(html) is None and "激活码只显示一次" in html
    monkeypatch.undo()
    _create(client, "newrep2", "13900002222")
    client.post("/logout")
    with client.session_transaction() as sess:
        assert "account_slip" not in sess
