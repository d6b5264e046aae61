"""The security events of SPEC §5.13 are in the audit log, each with time, actor, the real
client's address, action, object, result and detail; downloads of personal data with what and
how many rows."""
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog
from services import audit
from tests.conftest import make_app, token_body
from tests.support import factories

PROXY = {"REMOTE_ADDR": "127.0.0.1"}


def _entries(action):
    _db.session.expire_all()
    return _db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)
                               .order_by(AuditLog.id)).all()


def test_a_failed_web_login_is_kept_with_the_username_tried_and_the_real_client(world):
    app = make_app(PROXY_FIX_X_FOR=1)
    client = app.test_client()
    for username, password in (("nobody_here", "whatever-pass"), ("rep_a", "wrong-password-0")):
        resp = client.post("/login", data={"username": username, "password": password},
                           headers={"X-Forwarded-For": "10.1.2.3, 203.0.113.9"},
                           environ_base=PROXY)
        assert resp.status_code == 200
    unknown, wrong = _entries("login_failure")
    assert unknown.result == wrong.result == "failure"
    assert unknown.actor_id is None and wrong.actor_id is None
    assert unknown.address == wrong.address == "203.0.113.9"   # not the proxy, not a spoofed hop
    assert unknown.detail == {"username": "nobody_here", "reason": "unknown_user", "channel": "web"}
    assert wrong.detail["reason"] == "wrong_password" and wrong.object_id == world.rep_a.id
    assert unknown.created_at is not None and unknown.seq and unknown.hash
    with app.app_context():
        _db.engine.dispose()


def test_a_deactivated_account_failing_is_told_apart(world, client):
    world.rep_a.active = False
    _db.session.commit()
    client.post("/login", data={"username": "rep_a", "password": factories.PASSWORD})
    [entry] = _entries("login_failure")
    assert entry.detail["reason"] == "inactive"


def test_web_login_and_logout_are_audited(world, client):
    client.post("/login", data={"username": "rep_a", "password": factories.PASSWORD})
    client.post("/logout")
    [login] = _entries("login_success")
    [logout] = _entries("logout")
    assert login.actor_id == logout.actor_id == world.rep_a.id
    assert login.result == logout.result == "success"
    assert login.address == "127.0.0.1" and login.detail == {"channel": "web"}


def test_api_login_failure_is_committed_and_success_and_logout_audited(world, client):
    resp = client.post("/api/v1/tokens", json={"username": "ADMIN1", "password": "nope-nope-nope"})
    assert resp.status_code == 401
    [failure] = _entries("login_failure")
    assert failure.detail == {"username": "ADMIN1", "reason": "wrong_password", "channel": "api"}
    resp = client.post("/api/v1/tokens", json={**token_body(world.admin), "username": "admin1"})
    token = resp.get_json()["token"]
    assert client.delete("/api/v1/tokens",
                         headers={"Authorization": f"Bearer {token}"}).status_code == 204
    assert [e.detail["channel"] for e in _entries("login_success")] == ["api"]
    assert [e.actor_id for e in _entries("logout")] == [world.admin.id]


def test_password_change_and_reset_are_audited(world, api, login):
    me = api(world.rep_a)
    assert me.post("/me/password", json={"current_password": factories.PASSWORD,
                                         "new_password": "Another-long-pass-1"}).status_code == 200
    [changed] = _entries("password_changed")
    assert changed.actor_id == changed.object_id == world.rep_a.id
    client = login(world.manager_a)
    assert client.post(f"/account/users/{world.rep_a2.id}/reset").status_code in (200, 302)
    [reset] = _entries("password_reset")
    assert reset.actor_id == world.manager_a.id and reset.object_id == world.rep_a2.id


def test_downloads_of_personal_data_are_audited_with_rows(world, login):
    client = login(world.manager_a)
    assert client.get("/manage/representatives/export").status_code == 200
    assert client.get(f"/cards/homes/{world.home_a.id}.pdf").status_code == 200
    assert client.get(f"/records/{world.rep_a.id}/docx").status_code == 200
    entries = _entries("export")
    assert [e.actor_id for e in entries] == [world.manager_a.id] * 3
    assert [e.detail["rows"] for e in entries] == [2, 2, 1]
    assert all(e.detail["what"] and e.address == "127.0.0.1" for e in entries)
    assert audit.verify_chain().ok
