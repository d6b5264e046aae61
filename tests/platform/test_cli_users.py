"""`flask users unlock|otp-reset USERNAME`: the audited break-glass when no security administrator can
log in (SPEC §5.13)."""
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, User
from tests.conftest import token_body
from tests.support import factories as f

WRONG = "Wrong-password-1"


def _entries(action):
    return list(_db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)))


def test_unlock_from_the_command_line(app, client, world):
    for _ in range(5):
        client.post("/api/v1/tokens", json={"username": "rep_a", "password": WRONG})
    assert client.post("/api/v1/tokens", json={"username": "rep_a", "password": f.PASSWORD}
                       ).get_json()["error"]["code"] == "account_locked"
    result = app.test_cli_runner().invoke(args=["users", "unlock", "REP_A"])
    assert result.exit_code == 0, result.output
    assert "已解锁 rep_a" in result.output
    _db.session.expire_all()
    assert client.post("/api/v1/tokens", json={"username": "rep_a",
                                               "password": f.PASSWORD}).status_code == 201
    [entry] = _entries("account_unlocked")
    assert entry.actor_id is None and entry.object_id == world.rep_a.id


def test_otp_reset_from_the_command_line(app, client, world):
    token = client.post("/api/v1/tokens", json=token_body(world.admin)).get_json()["token"]
    result = app.test_cli_runner().invoke(args=["users", "otp-reset", world.admin.username])
    assert result.exit_code == 0, result.output
    _db.session.expire_all()
    admin = _db.session.get(User, world.admin.id)
    assert admin.otp_secret is None and admin.otp_confirmed_at is None
    # the factor's reset ended the admin's tokens
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    [entry] = _entries("otp_reset")
    assert entry.actor_id is None and entry.object_id == world.admin.id


def test_an_unknown_username_changes_nothing(app, world):
    result = app.test_cli_runner().invoke(args=["users", "unlock", "nobody-here"])
    assert result.exit_code != 0 and "没有用户名为 nobody-here 的账号" in result.output
    assert _entries("account_unlocked") == []
