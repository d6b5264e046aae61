"""Account lifecycle: resets with a new activation code (ending sessions and tokens), edits, moving a
representative, 忘记密码 by e-mail against a real SMTP server (aiosmtpd) or who to ask without mail."""
import re

import pytest
import sqlalchemy as sa

from models import ApiToken, User
from models.enums import Level
from tests.support import factories
from tests.support.workers import free_ports

NEW_PASSWORD = "A-brand-new-password"


def _code(html):
    return re.search(r'data-testid="activation-code">([A-Z0-9-]+)<', html).group(1)


def test_admin_reset_gives_a_code_once_and_ends_tokens(world, db, api, login, client):
    rep_token = api(world.rep_a)
    assert rep_token.get("/me").status_code == 200
    login(world.admin)
    resp = client.post(f"/account/users/{world.rep_a.id}/reset")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    code = _code(resp.get_data(as_text=True))
    assert rep_token.get("/me").status_code == 401
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id)).where(
        ApiToken.user_id == world.rep_a.id)) == 0
    client.post("/logout")
    assert client.post("/login", data={"username": "rep_a", "password": factories.PASSWORD}
                       ).status_code == 200  # the old password is gone
    assert client.post("/login", data={"username": "rep_a", "password": code}).status_code == 302
    resp = client.get("/", follow_redirects=True)
    assert "设置您自己的密码" in resp.get_data(as_text=True)


def test_reset_ends_the_users_browser_sessions(world, db, app, login):
    rep_browser = app.test_client()
    rep_browser.post("/login", data={"username": "rep_a", "password": factories.PASSWORD})
    assert rep_browser.get("/me/").status_code == 200
    admin = login(world.admin)
    assert admin.post(f"/account/users/{world.rep_a.id}/reset").status_code == 200
    resp = rep_browser.get("/me/")
    assert resp.status_code == 302 and "/login" in resp.location  # the session ended


def test_who_may_reset_and_edit(world, db, login, client):
    login(world.manager_a)
    assert client.post(f"/account/users/{world.rep_a.id}/reset").status_code == 200
    assert client.post(f"/account/users/{world.rep_b.id}/reset").status_code == 404
    assert client.get(f"/account/users/{world.rep_b.id}").status_code == 404
    assert client.post(f"/account/users/{world.admin.id}/reset").status_code == 404
    assert client.post(f"/account/users/{world.manager_a.id}/reset").status_code == 403
    assert client.post(f"/account/users/{world.rep_a2.id}/move",
                       data={"move-home_id": world.home_b.id}).status_code == 403
    login(world.rep_a2)
    assert client.get(f"/account/users/{world.rep_a2.id}").status_code == 403
    client.post("/logout")
    assert client.get(f"/account/users/{world.rep_a.id}").status_code == 302
    login(world.admin)
    # The office's own account is an administrator account, kept by the system administrator
    # (SPEC §5.13): the role check answers 403 before the "not your own" conflict (SPEC §4).
    assert client.post(f"/account/users/{world.admin.id}/reset").status_code == 403
    assert client.post(f"/account/users/{world.manager_b.id}/reset").status_code == 200


def test_edit_name_mobile_email_level_and_work_unit(world, db, login, client):
    login(world.manager_a)
    page = client.get(f"/account/users/{world.rep_a.id}")
    assert page.status_code == 200 and "重置密码" in page.get_data(as_text=True)
    assert "调整所属代表之家" not in page.get_data(as_text=True)  # the admin's only
    resp = client.post(f"/account/users/{world.rep_a.id}", data={
        "name": "代表甲（改）", "mobile": "+86 139-0000-0001", "email": "a@example.cn",
        "level": "province", "work_unit": "南京大学"})
    assert resp.status_code == 302
    user = db.session.get(User, world.rep_a.id)
    assert (user.name, user.mobile, user.email, user.level, user.work_unit) == (
        "代表甲（改）", "13900000001", "a@example.cn", Level.PROVINCE, "南京大学")
    resp = client.post(f"/account/users/{world.rep_a.id}", data={
        "name": "代表甲", "mobile": "12345", "level": "city"})
    assert resp.status_code == 200 and "11位中国大陆手机号" in resp.get_data(as_text=True)
    login(world.admin)
    resp = client.post(f"/account/users/{world.manager_b.id}", data={
        "name": "苏州管理员（改）", "mobile": "", "email": "", "work_unit": ""})
    assert resp.status_code == 302
    assert db.session.get(User, world.manager_b.id).name == "苏州管理员（改）"


def test_admin_moves_a_representative_activities_stay_contacts_follow(world, db, login, client):
    worker = factories.worker(world.rep_a)
    factories.contact(world.rep_a, worker)
    activity = factories.activity(world.rep_a)
    db.session.commit()
    login(world.admin)
    assert "调整所属代表之家" in client.get(f"/account/users/{world.rep_a.id}").get_data(
        as_text=True)
    resp = client.post(f"/account/users/{world.rep_a.id}/move",
                       data={"move-home_id": str(world.home_b.id)})
    assert resp.status_code == 302
    assert db.session.get(User, world.rep_a.id).home_id == world.home_b.id
    db.session.refresh(activity)
    assert activity.home_id == world.home_a.id
    login(world.manager_b)
    assert client.get(f"/account/users/{world.rep_a.id}").status_code == 200
    login(world.manager_a)
    assert client.get(f"/account/users/{world.rep_a.id}").status_code == 404


def test_forgot_password_without_mail_says_who_to_ask(client, db, world):
    page = client.get("/login").get_data(as_text=True)
    assert "/forgot-password" in page
    resp = client.get("/forgot-password")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'data-testid="who-to-ask"' in html
    assert "发送重置链接" not in html
    assert client.post("/forgot-password", data={"identifier": "rep_a"}).status_code == 200


@pytest.fixture()
def smtp_server(app, monkeypatch):
    """A real SMTP server (aiosmtpd) on 127.0.0.1, collecting what it receives."""
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    handler = Collect()
    port, = free_ports(1, span=(5520, 5599))  # this xdist worker's share of 5520-5599
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "")
    yield handler
    controller.stop()


def _link(message):
    import email
    from email import policy
    body = email.message_from_string(message, policy=policy.default).get_body().get_content()
    return re.search(r"http://[^\s]+/reset-password/[^\s]+", body).group(0)


def test_forgot_password_by_mail_single_use_link(world, db, client, smtp_server, app):
    world.rep_a.email = "rep.a@example.cn"
    db.session.commit()
    api_token = client.post("/api/v1/tokens", json={"username": "rep_a",
                                                    "password": factories.PASSWORD})
    token = api_token.get_json()["token"]
    assert "发送重置链接" in client.get("/forgot-password").get_data(as_text=True)
    resp = client.post("/forgot-password", data={"identifier": "REP.A@example.cn"})
    assert resp.status_code == 302
    client.post("/forgot-password", data={"identifier": "nobody"})  # same answer, no mail
    assert len(smtp_server.messages) == 1
    recipients, message = smtp_server.messages[0]
    assert recipients == ["rep.a@example.cn"]
    path = _link(message).split("localhost", 1)[-1]
    assert client.get(path).status_code == 200
    resp = client.post(path, data={"new_password": "short", "confirm": "short"})
    assert "至少需要12个字符" in resp.get_data(as_text=True)
    resp = client.post(path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert resp.status_code == 302
    assert client.get(path).status_code == 404  # single use
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}
                      ).status_code == 401  # every token ended
    assert client.post("/login", data={"username": "rep_a",
                                       "password": NEW_PASSWORD}).status_code == 302


def test_reset_links_expire_and_cannot_be_forged(world, db, client, app, monkeypatch):
    from services import accounts as account_lifecycle
    world.rep_a.email = "rep.a@example.cn"
    db.session.commit()
    with app.test_request_context():
        token = account_lifecycle.reset_link_token(db.session.get(User, world.rep_a.id))
    assert client.get(f"/reset-password/{token}").status_code == 200
    assert client.get(f"/reset-password/{token[:-2]}xx").status_code == 404
    monkeypatch.setitem(app.config, "RESET_LINK_HOURS", -1)
    assert client.get(f"/reset-password/{token}").status_code == 404
