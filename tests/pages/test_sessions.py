"""Sessions that end when they should (issue 10 items 3 and 4, SPEC §10).

Logout ends that browser's login (its session and remember cookies, replayed, open nothing); a
password change, reset or deactivation ends every other login, remember cookie and API token; a
changed client address never logs anyone out.
"""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import ApiToken, Application, LoginSession
from models.base import utcnow
from models.enums import Role, UnitKind
from services import accounts, clock
from services.accounts import sessions
from tests.conftest import count_statements
from tests.support import factories as f

NEW_PASSWORD = "Another-long-password-2"


def _browser(app, user, remember=True, **environ):
    """A fresh browser (own cookie jar) logged in as `user` through the login page."""
    client = app.test_client()
    data = {"username": user.username, "password": f.PASSWORD}
    if remember:
        data["remember"] = "y"
    resp = client.post("/login", data=data, environ_base=environ)
    if "/login/code" in resp.headers.get("Location", ""):
        resp = client.post("/login/code", data={"otp": f.otp()}, environ_base=environ)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return client


def _alt_id(app, client) -> str:
    """The "<user id>:<key>" of a browser's login, read from its signed session cookie."""
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(client.get_cookie("session").value)["_user_id"]


def _cookies(client):
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")
            if client.get_cookie(name) is not None}


def _replay(app, name, value, **environ):
    """A new browser holding only one old cookie; what /account/ answers."""
    client = app.test_client()
    client.set_cookie(name, value)
    return client.get("/account/", environ_base=environ)


def _opens(resp):
    return resp.status_code == 200


def _is_login(resp):
    return resp.status_code == 302 and "/login" in resp.headers["Location"]


def _token(client, user, password=f.PASSWORD):
    resp = client.post("/api/v1/tokens", json={"username": user.username, "password": password})
    assert resp.status_code == 201
    return resp.get_json()["token"]


def _api_ok(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


# --- login and logout ----------------------------------------------------------------------

def test_login_stores_only_a_hash_of_the_key(app, world):
    browser = _browser(app, world.rep_a)
    rows = _db.session.scalars(sa.select(LoginSession)).all()
    assert len(rows) == 1 and rows[0].user_id == world.rep_a.id
    cookie = browser.get_cookie("remember_token").value
    raw = cookie.split("|")[0].split(":", 1)[1]
    assert raw and raw not in rows[0].key_hash and len(rows[0].key_hash) == 64


def test_each_login_is_its_own_row(app, world):
    _browser(app, world.rep_a)
    _browser(app, world.rep_a)
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 2


def test_logout_replayed_session_cookie_opens_nothing(app, world):
    browser = _browser(app, world.rep_a, remember=False)
    old = _cookies(browser)
    assert _opens(_replay(app, "session", old["session"]))
    assert browser.post("/logout").status_code == 302
    assert _is_login(_replay(app, "session", old["session"]))
    assert _is_login(browser.get("/account/"))


def test_logout_replayed_remember_cookie_opens_nothing(app, world):
    browser = _browser(app, world.rep_a)
    old = _cookies(browser)
    assert _opens(_replay(app, "remember_token", old["remember_token"]))  # a browser restart
    browser.post("/logout")
    assert _is_login(_replay(app, "remember_token", old["remember_token"]))
    assert _is_login(_replay(app, "session", old["session"]))


def test_logout_ends_only_that_browser(app, world):
    phone = _browser(app, world.rep_a)
    desk = _browser(app, world.rep_a)
    phone.post("/logout")
    assert _opens(desk.get("/account/"))
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 1


def test_a_plain_user_id_cookie_opens_nothing(app, world):
    """A session minted before alternative ids (or forged with the key) has no login row."""
    with app.test_request_context():
        assert sessions.load_user(str(world.rep_a.id)) is None
        assert sessions.load_user(f"{world.rep_a.id}:not-a-key") is None
        assert sessions.load_user("x:y") is None
        assert sessions.load_user("") is None


def test_an_expired_login_opens_nothing(app, world, db):
    browser = _browser(app, world.rep_a)
    db.session.execute(sa.update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _is_login(browser.get("/account/"))


def test_expired_rows_are_dropped_at_the_next_login(app, world, db):
    _browser(app, world.rep_a)
    db.session.execute(sa.update(LoginSession).values(expires_at=utcnow() - timedelta(days=1)))
    db.session.commit()
    _browser(app, world.rep_a)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 1


def test_user_loader_is_one_statement(app, world):
    browser = _browser(app, world.manager_a)
    raw = _alt_id(app, browser)
    with app.test_request_context(), count_statements() as statements:
        user = sessions.load_user(raw)
        assert user.id == world.manager_a.id
        assert user.scope_home_id == world.home_a.id and user.unit.name and user.home is None
    assert len(statements) == 1


# --- password change, reset, deactivation ---------------------------------------------------

def test_password_change_ends_other_logins_and_tokens_but_keeps_this_browser(app, world):
    here = _browser(app, world.rep_a)
    other = _browser(app, world.rep_a)
    other_cookies = _cookies(other)
    here_cookies = _cookies(here)
    token = _token(app.test_client(), world.rep_a)
    bystander = _browser(app, world.rep_a2)
    bystander_token = _token(app.test_client(), world.rep_a2)

    resp = here.post("/account/", data={"current_password": f.PASSWORD,
                                         "new_password": NEW_PASSWORD,
                                         "confirm": NEW_PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:500]

    assert _opens(here.get("/account/"))
    assert _opens(_replay(app, "remember_token", here_cookies["remember_token"]))
    assert _is_login(other.get("/account/"))
    assert _is_login(_replay(app, "session", other_cookies["session"]))
    assert _is_login(_replay(app, "remember_token", other_cookies["remember_token"]))
    api = app.test_client()
    assert not _api_ok(api, token)
    # Someone else's logins are untouched.
    assert _opens(bystander.get("/account/")) and _api_ok(api, bystander_token)


def test_refused_password_change_ends_nothing(app, world):
    here = _browser(app, world.rep_a)
    other = _browser(app, world.rep_a)
    resp = here.post("/account/", data={"current_password": "wrong-password-0",
                                         "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert resp.status_code == 422  # refused page forms answer 422
    assert _opens(other.get("/account/"))


def test_change_password_service_keeps_the_named_token(app, world, db):
    client = app.test_client()
    kept, dropped = _token(client, world.rep_a), _token(client, world.rep_a)
    with app.test_request_context():
        user = accounts.get_user(world.rep_a.id)
        accounts.change_password(user, f.PASSWORD, NEW_PASSWORD, keep_token=kept)
        _db.session.commit()
    assert _api_ok(client, kept) and not _api_ok(client, dropped)


def test_reset_password_ends_every_login_and_token(app, world, db):
    browser = _browser(app, world.rep_a)
    token = _token(app.test_client(), world.rep_a)
    accounts.reset_password(world.admin, world.rep_a, NEW_PASSWORD)
    db.session.commit()
    assert _is_login(browser.get("/account/"))
    assert not _api_ok(app.test_client(), token)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_reset_of_own_password_keeps_the_asking_browser(app, world, db):
    # Administrator passwords are reset by the system administrator (SPEC §5.13).
    system = f.user(Role.SYSTEM_ADMIN)
    _db.session.commit()
    admin_here = _browser(app, system)
    admin_there = _browser(app, system)
    key = _alt_id(app, admin_here)
    with app.test_request_context():
        actor = sessions.load_user(key)
        accounts.reset_password(actor, actor, NEW_PASSWORD)
        _db.session.commit()
    assert _opens(admin_here.get("/account/"))
    assert _is_login(admin_there.get("/account/"))


def test_end_all_sessions_keeps_what_is_named(app, world, db):
    keep = _browser(app, world.rep_a)
    drop = _browser(app, world.rep_a)
    client = app.test_client()
    kept_token, dropped_token = _token(client, world.rep_a), _token(client, world.rep_a)
    key = keep.get_cookie("remember_token").value.split("|")[0].split(":", 1)[1]
    sessions.end_all_sessions(world.rep_a, keep_session=key, keep_token=kept_token)
    db.session.commit()
    assert _opens(keep.get("/account/")) and _is_login(drop.get("/account/"))
    assert _api_ok(client, kept_token) and not _api_ok(client, dropped_token)


def test_deactivation_ends_logins_and_tokens_for_good(app, world, db):
    browser = _browser(app, world.rep_a)
    old = _cookies(browser)
    token = _token(app.test_client(), world.rep_a)
    admin = _browser(app, world.admin)
    resp = admin.post(f"/admin/users/{world.rep_a.id}/active", data={"active": "0"})
    assert resp.status_code == 302
    assert _is_login(browser.get("/account/"))
    assert not _api_ok(app.test_client(), token)
    # Reactivated, the old cookies and token still open nothing: a new login is needed.
    accounts.set_active(world.admin, accounts.get_user(world.rep_a.id), True)
    db.session.commit()
    assert _is_login(_replay(app, "remember_token", old["remember_token"]))
    assert _is_login(_replay(app, "session", old["session"]))
    assert not _api_ok(app.test_client(), token)
    assert _opens(_browser(app, world.rep_a).get("/account/"))


# --- a phone that changes networks --------------------------------------------------------

WIFI = {"REMOTE_ADDR": "192.168.1.23", "HTTP_USER_AGENT": "Mozilla/5.0 (iPhone) Safari"}
MOBILE = {"REMOTE_ADDR": "10.64.7.9", "HTTP_USER_AGENT": "Mozilla/5.0 (iPhone) Safari",
          "HTTP_X_FORWARDED_FOR": "117.136.0.8"}


@pytest.fixture()
def applicant(world):
    unit = f.unit(name="江苏省计算机学会", kind=UnitKind.PROVINCIAL_SOCIETY)
    user = f.user(f.Role.HOME_MANAGER, unit_id=unit.id, username="applicant")
    rnd = f.round_(year=2026, deadline=date(2026, 6, 30), quota=10)
    _db.session.commit()
    return user, rnd


def test_network_change_keeps_the_session_and_a_long_form_is_saved(app, applicant, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 6, 1))
    user, rnd = applicant
    phone = _browser(app, user, **WIFI)
    assert _opens(phone.get("/applications/new", environ_base=WIFI))
    scheme = "社区科普服务方案。" * 134  # 1,206 characters
    resp = phone.post("/applications/new", environ_base=MOBILE, data={
        "round_id": str(rnd.id), "scheme": scheme, "contact_name": "李四",
        "contact_mobile": "13912345678", "email": "a@b.cn", "pledge": "y", "save": "保存草稿"})
    assert resp.status_code == 302 and "/applications/" in resp.headers["Location"]
    assert _db.session.scalar(sa.select(Application.scheme)) == scheme
    assert _opens(phone.get("/account/", environ_base=MOBILE))
    # "Remember me" is never honoured for administrators, home managers included (SPEC §5.13);
    # a representative's remembered login survives the network change (the test below).
    assert phone.get_cookie("remember_token") is None


def test_network_change_with_a_remembered_login_only(app, world):
    browser = _browser(app, world.rep_a, **WIFI)
    cookie = browser.get_cookie("remember_token").value
    elsewhere = {**MOBILE, "REMOTE_ADDR": "172.16.0.4"}
    restarted = app.test_client()
    restarted.set_cookie("remember_token", cookie)
    assert _opens(restarted.get("/account/", environ_base=elsewhere))
    assert _opens(restarted.get("/account/", environ_base=WIFI))
    assert restarted.get_cookie("remember_token") is not None
