"""Activation codes (SPEC §5.8): credentials once, first login asks for a password, single use, expiry;
GET /me says must_change_password; POST /me/password ends every other session and token."""
from datetime import timedelta

import sqlalchemy as sa

from models import ApiToken, User
from models.base import utcnow
from tests.support import factories
from tests.support.import_files import REP_HEADER, read, reps, upload, xlsx

NEW_PASSWORD = "My-own-password-2026"


def _import_reps(world, api, count=3):
    manager = api(world.manager_a)
    resp = upload(manager, "representatives", xlsx(REP_HEADER, reps(count)), dry_run=False)
    assert resp.status_code == 200, resp.get_json()
    return manager, resp.get_json()["credentials_url"]


def _credentials(manager, url):
    resp = manager.client.get(url, headers=manager._headers())
    assert resp.status_code == 200
    rows = read(resp.data)
    assert rows[0][:3] == ("用户名", "姓名", "激活码")
    return {row[0]: row[2] for row in rows[1:]}


def test_imported_accounts_have_no_password_and_codes_download_once(world, db, api):
    manager, url = _import_reps(world, api)
    assert url.startswith("/api/v1/imports/")
    admin = api(world.admin)
    assert admin.client.get(url, headers=admin._headers()).status_code == 404  # not the importer
    codes = _credentials(manager, url)
    assert set(codes) == {"imp0000", "imp0001", "imp0002"}
    assert manager.client.get(url, headers=manager._headers()).status_code == 404  # once
    user = db.session.scalar(sa.select(User).where(User.username == "imp0000"))
    assert user.must_change_password
    assert user.activation_code_hash and codes["imp0000"] not in user.activation_code_hash
    assert (user.activation_expires_at - utcnow()) > timedelta(days=29)
    assert not user.check_password(codes["imp0000"])
    assert api(None).post("/tokens", json={"username": "imp0000",
                                           "password": ""}).status_code == 422


def test_first_api_login_with_a_code_must_set_a_password(world, db, api, client):
    manager, url = _import_reps(world, api)
    code = _credentials(manager, url)["imp0001"]
    resp = client.post("/api/v1/tokens", json={"username": "imp0001", "password": code.lower()})
    assert resp.status_code == 201
    token = resp.get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["must_change_password"] is True
    assert client.get("/api/v1/activities", headers=headers).status_code == 403
    resp = client.post("/api/v1/me/password", headers=headers,
                       json={"current_password": code, "new_password": "short"})
    assert resp.status_code == 422 and "new_password" in resp.get_json()["error"]["fields"]
    resp = client.post("/api/v1/me/password", headers=headers,
                       json={"current_password": code, "new_password": NEW_PASSWORD})
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"token", "expires_at"}
    assert client.get("/api/v1/me", headers=headers).status_code == 401  # the old token ended
    new_headers = {"Authorization": f"Bearer {body['token']}"}
    me = client.get("/api/v1/me", headers=new_headers).get_json()
    assert me["must_change_password"] is False
    assert client.get("/api/v1/activities", headers=new_headers).status_code == 200
    # single use: the code no longer signs in; the new password does
    assert client.post("/api/v1/tokens", json={"username": "imp0001",
                                               "password": code}).status_code == 401
    assert client.post("/api/v1/tokens", json={"username": "imp0001",
                                               "password": NEW_PASSWORD}).status_code == 201


def test_an_expired_code_signs_nobody_in(world, db, api, client):
    manager, url = _import_reps(world, api)
    code = _credentials(manager, url)["imp0002"]
    user = db.session.scalar(sa.select(User).where(User.username == "imp0002"))
    user.activation_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.post("/api/v1/tokens", json={"username": "imp0002",
                                               "password": code}).status_code == 401
    resp = client.post("/login", data={"username": "imp0002", "password": code})
    assert resp.status_code == 200 and "用户名或密码错误" in resp.get_data(as_text=True)


def test_me_password_with_the_current_password_ends_other_tokens(world, db, api, client):
    first = api(world.rep_a)
    second = api(world.rep_a)
    assert first.get("/me").get_json()["must_change_password"] is False
    resp = first.post("/me/password", json={"current_password": "wrong-password-x",
                                            "new_password": NEW_PASSWORD})
    assert resp.status_code == 422 and "current_password" in resp.get_json()["error"]["fields"]
    resp = first.post("/me/password", json={"current_password": factories.PASSWORD,
                                            "new_password": NEW_PASSWORD})
    assert resp.status_code == 200
    assert first.get("/me").status_code == 401 and second.get("/me").status_code == 401
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id)).where(
        ApiToken.user_id == world.rep_a.id)) == 1
    assert api(None).post("/me/password", json={}).status_code == 401


def test_first_login_on_the_page_asks_for_a_password(world, db, api, client):
    manager, url = _import_reps(world, api)
    code = _credentials(manager, url)["imp0000"]
    resp = client.post("/login", data={"username": "imp0000", "password": code})
    assert resp.status_code == 302
    resp = client.get("/", follow_redirects=False)
    assert resp.status_code == 302 and resp.location.endswith("/account/first-password")
    assert client.get("/me/").status_code == 302
    page = client.get("/account/first-password")
    assert page.status_code == 200 and "设置您自己的密码" in page.get_data(as_text=True)
    resp = client.post("/account/first-password", data={"new_password": "short",
                                                         "confirm": "short"})
    assert resp.status_code == 422 and "至少需要12个字符" in resp.get_data(as_text=True)
    resp = client.post("/account/first-password", data={"new_password": NEW_PASSWORD,
                                                         "confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    assert client.get("/", follow_redirects=True).status_code == 200
    user = db.session.scalar(sa.select(User).where(User.username == "imp0000"))
    assert not user.must_change_password and user.activation_code_hash is None
    client.post("/logout")
    assert client.post("/login", data={"username": "imp0000",
                                       "password": code}).status_code == 200  # used up
    assert client.post("/login", data={"username": "imp0000",
                                       "password": NEW_PASSWORD}).status_code == 302


def test_accounts_created_with_a_password_are_not_forced(world, db, api):
    admin = api(world.admin)
    resp = admin.post("/users", json={"username": "explicit", "password": NEW_PASSWORD,
                                      "name": "显式", "role": "representative",
                                      "home_id": world.home_a.id, "level": "city"})
    assert resp.status_code == 201 and resp.get_json()["must_change_password"] is False


def test_me_password_is_rate_limited_per_token(db, world):
    from extensions import limiter
    from tests.conftest import make_app
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute",
                   RATELIMIT_STORAGE_URI="memory://")
    try:
        client = app.test_client()
        token = client.post("/api/v1/tokens", json={"username": "rep_a",
                                                    "password": factories.PASSWORD}
                            ).get_json()["token"]
        codes = [client.post("/api/v1/me/password", headers={"Authorization": f"Bearer {token}"},
                             json={"current_password": f"guess-number-{i}",
                                   "new_password": NEW_PASSWORD}).status_code for i in range(4)]
        assert codes == [422, 422, 422, 429]
    finally:
        limiter.reset()
        limiter.enabled = False


def test_first_login_page_is_styled(world, client, db):
    """An activation-code login may load Bootstrap (bootstrap.static), not only /static."""
    from services import accounts as account_lifecycle
    code = account_lifecycle.reset_with_code(world.admin, world.rep_a)
    db.session.commit()
    resp = client.post("/login", data={"username": world.rep_a.username, "password": code})
    assert resp.status_code == 302
    page = client.get("/account/first-password").get_data(as_text=True)
    css = [line for line in page.splitlines() if "bootstrap" in line and ".css" in line]
    assert css
    href = css[0].split('href="')[1].split('"')[0]
    assert client.get(href).status_code == 200
