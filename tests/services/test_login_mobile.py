"""Logging in with a mobile number as well as a username (login page and POST /tokens): the
username first; a mobile, normalised as everywhere, only when exactly one active account holds it;
failures and locks count against that account, and the audit trail names what was typed."""
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, User
from tests.support import factories as f

WRONG = "Wrong-password-1"


def _token(client, username, password=f.PASSWORD):
    return client.post("/api/v1/tokens", json={"username": username, "password": password})


def _set_mobile(user, mobile):
    _db.session.execute(sa.update(User).where(User.id == user.id).values(mobile=mobile))
    _db.session.commit()


def test_a_mobile_logs_in_on_the_page_and_the_api(client, world):
    _set_mobile(world.rep_a, "13800138001")
    resp = _token(client, "+86 138-0013-8001")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["user"]["username"] == "rep_a"
    page = client.post("/login", data={"username": "13800138001", "password": f.PASSWORD})
    assert page.status_code == 302
    assert client.get("/login").status_code in (200, 302)


def test_the_login_field_says_username_or_mobile(client, db):
    text = client.get("/login").get_data(as_text=True)
    assert "用户名或手机号" in text


def test_the_username_comes_first(client, world, db):
    # An account whose username looks like another account's mobile is found by its username.
    _set_mobile(world.rep_a, "13800138002")
    holder = f.representative(world.home_a, username="13800138002", name="用户名是手机号")
    db.session.commit()
    resp = _token(client, "13800138002")
    assert resp.status_code == 201 and resp.get_json()["user"]["id"] == holder.id


def test_a_mobile_shared_by_two_active_accounts_names_nobody(client, world, db):
    _set_mobile(world.rep_a, "13800138003")
    _set_mobile(world.rep_b, "13800138003")
    assert _token(client, "13800138003").status_code == 401
    # Once one of them is deactivated the mobile names the other.
    db.session.execute(sa.update(User).where(User.id == world.rep_b.id).values(active=False))
    db.session.commit()
    resp = _token(client, "13800138003")
    assert resp.status_code == 201 and resp.get_json()["user"]["username"] == "rep_a"


def test_failures_by_mobile_lock_that_account_and_are_audited(client, world, db):
    _set_mobile(world.rep_a, "13800138004")
    codes = [_token(client, "138 0013 8004", WRONG).get_json()["error"]["code"] for _ in range(5)]
    assert codes == ["unauthorized"] * 4 + ["account_locked"]
    db.session.expire_all()
    assert db.session.get(User, world.rep_a.id).locked_until is not None
    # The lock holds by username too, and nobody else is touched.
    assert _token(client, "rep_a").get_json()["error"]["code"] == "account_locked"
    assert _token(client, "rep_a2").status_code == 201
    failures = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.action == "login_failure")).all()
    assert failures and all(entry.object_id == world.rep_a.id for entry in failures)
    assert failures[0].detail["username"] == "138 0013 8004"


def test_an_unknown_mobile_is_an_ordinary_failure(client, world):
    assert _token(client, "13900000000").get_json()["error"]["code"] == "unauthorized"
    assert _token(client, "not a mobile").get_json()["error"]["code"] == "unauthorized"
