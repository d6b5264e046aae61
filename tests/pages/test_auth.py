"""Login, logout, CSRF, login rate limits, cookies and security headers."""
import re

import pytest

from tests.conftest import make_app
from tests.support import factories


def test_login_page_is_chinese_and_has_csrf_field(client, db):
    resp = client.get("/login")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'lang="zh-CN"' in html and "用户名" in html and "登录" in html


def test_login_and_logout(client, world):
    resp = client.post("/login", data={"username": "rep_a", "password": factories.PASSWORD})
    assert resp.status_code == 302
    assert client.get("/account/").status_code == 200
    assert client.post("/logout").status_code == 302
    resp = client.get("/account/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("username,password", [("rep_a", "wrong-password-123"),
                                               ("nobody", factories.PASSWORD)])
def test_wrong_password_and_unknown_user_look_the_same(client, world, username, password):
    resp = client.post("/login", data={"username": username, "password": password})
    assert resp.status_code == 200
    assert "用户名或密码错误" in resp.get_data(as_text=True)
    assert client.get("/account/").status_code == 302


def test_deactivated_user_cannot_log_in(client, world, db):
    world.rep_a.active = False
    db.session.commit()
    resp = client.post("/login", data={"username": "rep_a", "password": factories.PASSWORD})
    assert resp.status_code == 200
    assert client.get("/account/").status_code == 302


def test_login_follows_only_local_next(client, world):
    resp = client.post("/login?next=https://evil.example/", data={
        "username": "rep_a", "password": factories.PASSWORD})
    assert resp.status_code == 302
    assert "evil" not in resp.headers["Location"]


def test_password_hashed_with_scrypt(db):
    from services import accounts
    user = accounts.create_user(None, {"username": "hashme", "password": "a-long-password-1",
                                       "name": "甲", "role": "provincial_admin"})
    assert user.password_hash.startswith("scrypt:")
    assert "a-long-password-1" not in user.password_hash


# --- CSRF -----------------------------------------------------------------------------------

@pytest.fixture()
def csrf_app(db):
    return make_app(WTF_CSRF_ENABLED=True)


def test_csrf_refuses_a_post_without_token(csrf_app, world):
    client = csrf_app.test_client()
    resp = client.post("/login", data={"username": "rep_a", "password": factories.PASSWORD})
    assert resp.status_code == 400
    assert client.get("/account/").status_code == 302  # not logged in


def test_csrf_accepts_a_post_with_token(csrf_app, world):
    client = csrf_app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    resp = client.post("/login", data={"username": "rep_a", "password": factories.PASSWORD,
                                       "csrf_token": token})
    assert resp.status_code == 302


def test_csrf_guards_logout(csrf_app, world):
    client = csrf_app.test_client()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    client.post("/login", data={"username": "rep_a", "password": factories.PASSWORD,
                                "csrf_token": token})
    assert client.post("/logout").status_code == 400
    assert client.get("/account/").status_code == 200


def test_api_is_exempt_from_csrf(csrf_app, world):
    client = csrf_app.test_client()
    resp = client.post("/api/v1/tokens", json={"username": "rep_a", "password": factories.PASSWORD})
    assert resp.status_code == 201


# --- Rate limits ------------------------------------------------------------------------------

@pytest.fixture()
def limited_app(db):
    from extensions import limiter
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute",
                   RATELIMIT_STORAGE_URI="memory://")
    yield app
    # The Limiter object is shared by every app of the test session: switch it back off.
    limiter.reset()
    limiter.enabled = False


def test_login_rate_limited_per_ip(limited_app, world):
    client = limited_app.test_client()
    codes = [client.post("/login", data={"username": f"u{i}", "password": "x" * 12}).status_code
             for i in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "请求过于频繁" in client.post("/login", data={"username": "z"}).get_data(as_text=True)


def test_login_limit_per_address_counts_failures_only(limited_app, world):
    """SPEC §5.13: a training room behind one address logs in; only failed attempts are limited
    (the per-username limit gave way to the per-account lockout, tests/test_lockout.py)."""
    client = limited_app.test_client()
    reps = [world.rep_a, world.rep_a2, world.rep_b, world.rep_a, world.rep_a2]
    codes = []
    for rep in reps:
        codes.append(client.post("/login", data={"username": rep.username,
                                                 "password": factories.PASSWORD}).status_code)
        client.post("/logout")
    assert codes == [302] * 5
    failures = [client.post("/login", data={"username": "nobody", "password": "x" * 12}).status_code
                for _ in range(4)]
    assert failures == [200, 200, 200, 429]


def test_token_endpoint_rate_limited_with_json_429(limited_app, world):
    client = limited_app.test_client()
    for _ in range(3):
        client.post("/api/v1/tokens", json={"username": "rep_a", "password": "bad-password-1"})
    resp = client.post("/api/v1/tokens", json={"username": "rep_a", "password": "bad-password-1"})
    assert resp.status_code == 429
    assert resp.get_json()["error"]["code"] == "rate_limited"


# --- Cookies and headers ----------------------------------------------------------------------

def test_session_cookie_httponly_and_samesite(client, world):
    resp = client.post("/login", data={"username": "rep_a", "password": factories.PASSWORD})
    cookie = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_when_configured(db, world):
    app = make_app(SESSION_COOKIE_SECURE=True)
    resp = app.test_client().post("/login", data={"username": "rep_a",
                                                  "password": factories.PASSWORD})
    cookie = [c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "Secure" in cookie


def test_security_headers(client, db):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_bootstrap_served_locally(client, db):
    html = client.get("/login").get_data(as_text=True)
    assert "cdn" not in html.lower()
    css = re.search(r'href="(/bootstrap/static/[^"]+\.css)"', html).group(1)
    assert client.get(css).status_code == 200
    js = re.search(r'src="(/bootstrap/static/[^"]+\.js)"', html).group(1)
    assert client.get(js).status_code == 200
