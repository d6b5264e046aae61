"""The per-account lockout of SPEC §5.13: 5 failures within 15 minutes lock the account for 15
minutes, counted on the login page, POST /tokens, second-factor codes and the current-password
checks alike; unknown usernames lock nothing; the owner is told at the next login; a security
administrator, a reset link or an activation code unlocks."""
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, User
from models.base import utcnow
from models.enums import Role
from services import accounts
from services.errors import Forbidden
from tests.conftest import token_body
from tests.support import factories as f
from tests.support.racing import N, race, race_app, statuses

__all__ = ["race_app"]
WRONG = "Wrong-password-1"


def _token(client, username, password=WRONG, **extra):
    return client.post("/api/v1/tokens", json={"username": username, "password": password, **extra})


def _page(client, username, password=WRONG, address="10.1.2.3"):
    return client.post("/login", data={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _user(user_id) -> User:
    _db.session.expire_all()
    return _db.session.get(User, user_id)


def test_five_failures_lock_and_every_attempt_then_answers_account_locked(client, world):
    answers = [_token(client, "rep_a") for _ in range(5)]
    assert [r.status_code for r in answers] == [401] * 5
    assert [r.get_json()["error"]["code"] for r in answers] == ["unauthorized"] * 4 + ["account_locked"]
    right = _token(client, "rep_a", f.PASSWORD)
    body = right.get_json()["error"]
    assert right.status_code == 401 and body["code"] == "account_locked"
    until = _user(world.rep_a.id).locked_until
    assert timedelta(minutes=14) < until - utcnow() <= timedelta(minutes=15)
    assert body["fields"]["unlock_at"] == [until.isoformat()] and "锁定至" in body["message"]
    page = _page(client, "rep_a", f.PASSWORD)
    assert page.status_code == 200 and "锁定至" in page.get_data(as_text=True)
    assert _token(client, "rep_a2", f.PASSWORD).status_code == 201  # others are not affected


def test_web_api_and_current_password_checks_count_together(client, api, login, world):
    me = api(world.rep_a)  # logged in first: a successful login clears the count
    browser = login(world.rep_a)
    assert browser.post("/account/", data={"current_password": WRONG, "new_password": "Xx-new-pass-12",
                                           "confirm": "Xx-new-pass-12"}).status_code == 422
    resp = me.post("/me/password", json={"current_password": WRONG,
                                         "new_password": "Xx-new-pass-12"})
    assert resp.status_code == 422 and "current_password" in resp.get_json()["error"]["fields"]
    browser.post("/logout")
    _page(client, "rep_a")
    _token(client, "rep_a")
    assert _user(world.rep_a.id).locked_until is None
    assert _token(client, "rep_a").get_json()["error"]["code"] == "account_locked"
    # While locked, the current-password check refuses even the right password.
    resp = me.post("/me/password", json={"current_password": f.PASSWORD,
                                         "new_password": "Xx-new-pass-12"})
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "account_locked"


def test_wrong_second_factor_codes_count(client, world):
    body = {"username": "admin1", "password": f.PASSWORD, "otp": "000000"}
    codes = [client.post("/api/v1/tokens", json=body).get_json()["error"]["code"] for _ in range(5)]
    assert codes == ["unauthorized"] * 4 + ["account_locked"]
    assert _token(client, "admin1", f.PASSWORD, otp=f.otp()).get_json()["error"]["code"] == "account_locked"


def test_unknown_usernames_lock_nothing(client, world):
    for _ in range(8):
        assert _token(client, "no_such_user").get_json()["error"]["code"] == "unauthorized"
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(User)
                              .where(User.locked_until.is_not(None))) == 0


def test_failures_older_than_fifteen_minutes_start_again(client, world, db):
    for _ in range(4):
        _token(client, "rep_a")
    db.session.execute(sa.update(User).where(User.id == world.rep_a.id)
                       .values(failure_window_start=utcnow() - timedelta(minutes=16)))
    db.session.commit()
    assert _token(client, "rep_a").get_json()["error"]["code"] == "unauthorized"
    assert _user(world.rep_a.id).failed_logins == 1


def test_the_lock_ends_by_itself(client, world, db):
    for _ in range(5):
        _token(client, "rep_a")
    db.session.execute(sa.update(User).where(User.id == world.rep_a.id)
                       .values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert _token(client, "rep_a", f.PASSWORD).status_code == 201


def test_owner_is_told_how_many_failures_and_from_where(client, world):
    for address in ("10.9.9.1", "10.9.9.2"):
        _page(client, "rep_a", address=address)
    resp = client.post("/login", data={"username": "rep_a", "password": f.PASSWORD},
                       follow_redirects=True)
    text = resp.get_data(as_text=True)
    assert "2 次登录失败" in text and "10.9.9.2" in text
    client.post("/logout")
    # A token login carries the notice too (login_notice), once.
    _token(client, "rep_a")
    before = utcnow()
    body = _token(client, "rep_a", f.PASSWORD).get_json()
    notice = body["login_notice"]
    assert notice["failures"] == 1 and notice["last_address"] == "127.0.0.1"
    last_at = datetime.fromisoformat(notice["last_at"])
    assert before - timedelta(seconds=30) <= last_at <= utcnow()
    assert _token(client, "rep_a", f.PASSWORD).get_json()["login_notice"] is None
    again = client.post("/login", data={"username": "rep_a", "password": f.PASSWORD},
                        follow_redirects=True).get_data(as_text=True)
    assert "次登录失败" not in again  # told once, by the token's answer


def test_the_page_tells_when_and_the_token_answer_tells_the_page_failures(client, world):
    _page(client, "rep_a", address="10.9.9.7")
    body = _token(client, "rep_a", f.PASSWORD).get_json()
    assert body["login_notice"]["failures"] == 1
    assert body["login_notice"]["last_address"] == "10.9.9.7"
    client.post("/api/v1/tokens", json={"username": "rep_a", "password": WRONG},
                environ_base={"REMOTE_ADDR": "10.9.9.8"})
    text = client.post("/login", data={"username": "rep_a", "password": f.PASSWORD},
                       follow_redirects=True).get_data(as_text=True)
    assert "1 次登录失败" in text and "最近一次于 " in text and "来自 10.9.9.8" in text


def test_security_admin_unlocks_no_one_else(client, world, db):
    for _ in range(5):
        _token(client, "rep_a")
    security = f.user(Role.SECURITY_ADMIN, username="security")
    db.session.commit()
    for actor in (world.admin, world.manager_a, f.user(Role.SYSTEM_ADMIN), f.user(Role.AUDIT_ADMIN)):
        with pytest.raises(Forbidden):
            accounts.unlock_account(actor, _user(world.rep_a.id))
    accounts.unlock_account(security, _user(world.rep_a.id))
    db.session.commit()
    assert _token(client, "rep_a", f.PASSWORD).status_code == 201
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog)
                             .where(AuditLog.action == "account_unlocked",
                                    AuditLog.actor_id == security.id)) == 1


def test_owner_unlocks_with_a_reset_link(client, world, db):
    world.rep_a.email = "a@example.cn"
    db.session.commit()
    for _ in range(5):
        _token(client, "rep_a")
    link = accounts.reset_link_token(_user(world.rep_a.id))
    resp = client.post(f"/reset-password/{link}", data={"new_password": "Unlocked-pass-1",
                                                        "confirm": "Unlocked-pass-1"})
    assert resp.status_code == 302
    assert _token(client, "rep_a", "Unlocked-pass-1").status_code == 201


def test_owner_unlocks_with_an_activation_code(client, world, db):
    for _ in range(5):
        _token(client, "rep_a")
    assert _user(world.rep_a.id).locked_until is not None
    code = accounts.reset_with_code(world.admin, _user(world.rep_a.id))
    db.session.commit()
    resp = _token(client, "rep_a", code)
    assert resp.status_code == 201 and resp.get_json()["user"]["username"] == "rep_a"


@pytest.mark.postgres
def test_twenty_concurrent_failures_lock_once(world, race_app):
    calls = [lambda c: _token(c, "rep_a") for _ in range(N)]
    responses = race(race_app, calls)
    assert statuses(responses) == {401: N}
    with race_app.app_context():
        locks = _db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.action == "account_locked", AuditLog.object_id == world.rep_a.id))
        user = _db.session.get(User, world.rep_a.id)
        assert locks == 1 and user.locked_until is not None
    codes = {r.get_json()["error"]["code"] for r in responses}
    assert codes == {"unauthorized", "account_locked"}


def test_token_body_helper_gives_a_code_for_enrolled_users_only(world):
    assert "otp" in token_body(world.admin) and "otp" not in token_body(world.rep_a)
