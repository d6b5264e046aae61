"""Behind a reverse proxy, login limits apply per real client (issue 10 item 2, SPEC §10).

Every request comes from the proxy's address (127.0.0.1); the proxy appends the client's address to
X-Forwarded-For. With PROXY_FIX_X_FOR=1 only that last hop is believed.
"""
import pytest

from tests.conftest import make_app
from tests.support import factories as f

PROXY = {"REMOTE_ADDR": "127.0.0.1"}


@pytest.fixture()
def proxied_app(db):
    yield from _limited(PROXY_FIX_X_FOR=1)


@pytest.fixture()
def direct_app(db):
    yield from _limited(PROXY_FIX_X_FOR=0)


def _limited(**overrides):
    from extensions import limiter
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="10 per minute",
                   RATELIMIT_STORAGE_URI="memory://", **overrides)
    yield app
    # The Limiter object is shared by every app of the test session: switch it back off.
    limiter.reset()
    limiter.enabled = False


def _post(app, path, client_addr, forwarded=None, **kw):
    """A request as nginx forwards it: from 127.0.0.1, the client appended to X-Forwarded-For."""
    chain = f"{forwarded}, {client_addr}" if forwarded else client_addr
    return app.test_client().post(path, headers={"X-Forwarded-For": chain,
                                                 "X-Forwarded-Proto": "https"},
                                  environ_base=PROXY, **kw)


def _fail(app, client_addr, username, forwarded=None):
    return _post(app, "/login", client_addr, forwarded,
                 data={"username": username, "password": "wrong-password-0"}).status_code


def test_eleven_clients_behind_one_proxy_are_limited_separately(proxied_app, world):
    codes = [_fail(proxied_app, f"203.0.113.{i}", f"someone{i}") for i in range(1, 12)]
    assert codes == [200] * 11
    resp = _post(proxied_app, "/login", "203.0.113.12",
                 data={"username": "rep_a", "password": f.PASSWORD})
    assert resp.status_code == 302 and "/login" not in resp.headers["Location"]


def test_one_client_behind_the_proxy_is_still_limited(proxied_app, world):
    codes = [_fail(proxied_app, "203.0.113.7", f"someone{i}") for i in range(11)]
    assert codes == [200] * 10 + [429]
    # Its neighbour behind the same proxy is not.
    assert _fail(proxied_app, "203.0.113.8", "someone-else") == 200


def test_a_client_cannot_spoof_past_the_limit(proxied_app, world):
    """The client's own X-Forwarded-For entries come before the proxy's hop and are ignored."""
    codes = [_fail(proxied_app, "203.0.113.7", f"someone{i}", forwarded=f"198.51.100.{i}")
             for i in range(11)]
    assert codes == [200] * 10 + [429]


def test_api_tokens_are_limited_per_real_client(proxied_app, world):
    codes = [_post(proxied_app, "/api/v1/tokens", f"203.0.113.{i}",
                   json={"username": f"someone{i}", "password": "wrong-password-0"}).status_code
             for i in range(1, 12)]
    assert codes == [401] * 11
    codes = [_post(proxied_app, "/api/v1/tokens", "203.0.113.50",
                   json={"username": f"other{i}", "password": "wrong-password-0"}).status_code
             for i in range(11)]
    assert codes == [401] * 10 + [429]


def test_the_account_locks_behind_the_proxy_and_names_the_real_client(proxied_app, world):
    """The per-username limit gave way to the per-account lockout (SPEC §5.13): five failures from
    five clients lock the account; the owner is told the real client's address."""
    codes = [_fail(proxied_app, f"203.0.113.{i}", "rep_a") for i in range(1, 7)]
    assert codes == [200] * 6
    from models import User
    user = f.db.session.get(User, world.rep_a.id)
    f.db.session.refresh(user)
    assert user.locked_until is not None and user.last_failure_address == "203.0.113.5"


def test_without_trusted_hops_the_header_is_ignored(direct_app, world):
    codes = [_fail(direct_app, f"203.0.113.{i}", f"someone{i}") for i in range(1, 12)]
    assert codes == [200] * 10 + [429]


def test_the_proxy_reports_the_client_address_and_scheme(db):
    from flask import request
    app = make_app(PROXY_FIX_X_FOR=1)
    seen = {}

    @app.get("/_whoami")
    def whoami():
        seen.update(addr=request.remote_addr, scheme=request.scheme)
        return "ok"

    app.test_client().get("/_whoami", headers={"X-Forwarded-For": "1.2.3.4, 203.0.113.9",
                                               "X-Forwarded-Proto": "https"}, environ_base=PROXY)
    assert seen == {"addr": "203.0.113.9", "scheme": "https"}
    plain = make_app()
    plain.add_url_rule("/_whoami", view_func=whoami)
    plain.test_client().get("/_whoami", headers={"X-Forwarded-For": "203.0.113.9"},
                            environ_base=PROXY)
    assert seen["addr"] == "127.0.0.1" and seen["scheme"] == "http"
