"""The group robot settings pages (a Home's: its managers and the office; the office's: the office)
and each user's 提醒方式 page: access for every role, secrets never echoed in full, a test message
queued and never sent in the request, field messages in Chinese."""
import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, Delivery, MessagePreference, MessageRobot
from models.enums import DeliveryChannel, DeliveryStatus, Role
from services import notifications
from tests.support import factories
from tests.support.receivers import RobotReceiver

KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
SECRET = "SEC6f2b8f0cbd1e4d62c0b1e7c0a95e1d2aa0b6f0d5e3c4b2a1908f7e6d5c4b3a2910"


@pytest.fixture()
def people(world):
    world.system = factories.user(Role.SYSTEM_ADMIN, username="sys_admin")
    world.security = factories.user(Role.SECURITY_ADMIN, username="sec_admin")
    world.auditor = factories.user(Role.AUDIT_ADMIN, username="audit_admin")
    _db.session.commit()
    return world


def _pages(w):
    a, b = w.home_a.id, w.home_b.id
    return {
        "own_home": ("GET", f"/channels/homes/{a}"),
        "other_home": ("GET", f"/channels/homes/{b}"),
        "office": ("GET", "/channels/office"),
        "own_save": ("POST", f"/channels/homes/{a}/wecom"),
        "own_test": ("POST", f"/channels/homes/{a}/dingtalk/test"),
        "office_save": ("POST", "/channels/office/dingtalk"),
        "prefs": ("GET", "/account/messages"),
    }


# role → what each page answers (404: a Home outside the manager's scope; 403: the role may not)
EXPECTED = {
    "rep_a": {"own_home": 403, "other_home": 403, "office": 403, "own_save": 403, "own_test": 403,
              "office_save": 403, "prefs": 200},
    "manager_a": {"own_home": 200, "other_home": 404, "office": 403, "own_save": 422,
                  "own_test": 404, "office_save": 403, "prefs": 200},
    "admin": {"own_home": 200, "other_home": 200, "office": 200, "own_save": 422,
              "own_test": 404, "office_save": 422, "prefs": 200},
    "system": {"own_home": 403, "other_home": 403, "office": 403, "own_save": 403,
               "own_test": 403, "office_save": 403, "prefs": 200},
    "security": {"own_home": 403, "other_home": 403, "office": 403, "own_save": 403,
                 "own_test": 403, "office_save": 403, "prefs": 200},
    "auditor": {"own_home": 403, "other_home": 403, "office": 403, "own_save": 403,
                "own_test": 403, "office_save": 403, "prefs": 200},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_access_for_every_role(client, login, people, who):
    login(getattr(people, who))
    answers = {}
    for name, (method, url) in _pages(people).items():
        resp = client.get(url) if method == "GET" else client.post(url, data={})
        answers[name] = resp.status_code
    assert answers == EXPECTED[who]


def test_anonymous_is_sent_to_login(client, world):
    resp = client.get(f"/channels/homes/{world.home_a.id}")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_index_leads_each_editor_to_their_page(client, login, world):
    login(world.manager_a)
    assert client.get("/channels/").headers["Location"].endswith(f"/channels/homes/{world.home_a.id}")
    login(world.admin)
    assert client.get("/channels/").headers["Location"].endswith("/channels/office")


def test_manager_saves_robots_and_secrets_are_never_shown_in_full(client, login, world):
    login(world.manager_a)
    url = f"/channels/homes/{world.home_a.id}"
    webhook = f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={KEY}"
    resp = client.post(f"{url}/wecom", data={"wecom-webhook_url": webhook,
                                             "wecom-message_format": "markdown",
                                             "wecom-enabled": "y"})
    assert resp.status_code == 302
    resp = client.post(f"{url}/dingtalk", data={
        "dingtalk-webhook_url": "http://dingtalk.intranet.example/robot/send?access_token=abcdef0123456789",
        "dingtalk-secret": SECRET, "dingtalk-message_format": "text", "dingtalk-enabled": "y"})
    assert resp.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert KEY not in html and SECRET not in html and "abcdef0123456789" not in html
    assert "key=693a…5aaa" in html and f"已保存（…{SECRET[-4:]}）" in html
    assert "dingtalk.intranet.example" in html                      # an intranet address is fine
    robots = {r.provider: r for r in _db.session.scalars(sa.select(MessageRobot))}
    assert robots[DeliveryChannel.WECOM].webhook_url == webhook
    assert robots[DeliveryChannel.DINGTALK].secret == SECRET
    assert robots[DeliveryChannel.DINGTALK].owner == f"home:{world.home_a.id}"
    entries = list(_db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "message_robots")))
    assert len(entries) == 2
    assert all(KEY not in str(e.after) and SECRET not in str(e.after) for e in entries)

    # Saving again with the URL and secret left blank keeps them; turning it off is kept too.
    resp = client.post(f"{url}/dingtalk", data={"dingtalk-webhook_url": "", "dingtalk-secret": "",
                                                "dingtalk-message_format": "markdown"})
    assert resp.status_code == 302
    _db.session.expire_all()
    ding = _db.session.scalar(sa.select(MessageRobot).where(
        MessageRobot.provider == DeliveryChannel.DINGTALK))
    assert ding.secret == SECRET and ding.enabled is False and "abcdef0123456789" in ding.webhook_url


@pytest.mark.parametrize("field, value, message", [
    ("webhook_url", "ftp://example.cn/x", "请填写以 https:// 或 http:// 开头的完整地址"),
    ("webhook_url", "not a url", "请填写以 https:// 或 http:// 开头的完整地址"),
    ("webhook_url", "", "请填写 Webhook 地址"),
    ("webhook_url", "https://x.cn/" + "a" * 1000, "Webhook 地址不能超过1000个字符"),
    ("webhook_url", "https://x.cn/a b", "不能含有空格"),
    ("message_format", "html", "消息格式无效"),
])
def test_bad_input_names_the_field(client, login, world, field, value, message):
    login(world.manager_a)
    data = {"wecom-webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
            "wecom-message_format": "markdown", f"wecom-{field}": value}
    resp = client.post(f"/channels/homes/{world.home_a.id}/wecom", data=data)
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(MessageRobot.id))) == 0


def test_a_wecom_robot_takes_no_secret(client, login, world):
    login(world.manager_a)
    resp = client.post(f"/channels/homes/{world.home_a.id}/wecom", data={
        "wecom-webhook_url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
        "wecom-secret": "SECxyz", "wecom-message_format": "markdown"})
    assert resp.status_code == 422 and "企业微信群机器人没有加签密钥" in resp.get_data(as_text=True)


def test_test_message_is_queued_not_sent_in_the_request(app, client, login, world, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://rephome.example.gov.cn")
    with RobotReceiver(secret=SECRET) as receiver:
        login(world.admin)
        resp = client.post("/channels/office/dingtalk", data={
            "dingtalk-webhook_url": receiver.url("/robot/send", access_token="tok"),
            "dingtalk-secret": SECRET, "dingtalk-message_format": "markdown",
            "dingtalk-enabled": "y"})
        assert resp.status_code == 302
        resp = client.post("/channels/office/dingtalk/test")
        assert resp.status_code == 302
        assert receiver.requests == []                              # nothing in the request
        (d,) = _db.session.scalars(sa.select(Delivery))
        assert d.kind == "channel_test" and d.status == DeliveryStatus.QUEUED
        html = client.get("/channels/office").get_data(as_text=True)
        assert 'data-testid="recent-deliveries"' in html and "排队中" in html
        from jobs.runner import run_job
        assert run_job("deliver_messages").counts["delivered"] == 1
        (req,) = receiver.requests
        assert receiver.signature_ok(req["query"])
        assert "https://rephome.example.gov.cn/" in req["body"]["markdown"]["text"]
        assert "已送达" in client.get("/channels/office").get_data(as_text=True)


def test_deleting_a_robot_drops_its_queue(client, login, world):
    login(world.manager_a)
    base = f"/channels/homes/{world.home_a.id}"
    client.post(f"{base}/wecom", data={"wecom-webhook_url": "https://qyapi.weixin.qq.com/x?key=k",
                                       "wecom-message_format": "markdown", "wecom-enabled": "y"})
    client.post(f"{base}/wecom/test")
    assert _db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 1
    assert client.post(f"{base}/wecom/delete").status_code == 302
    assert _db.session.scalar(sa.select(sa.func.count(MessageRobot.id))) == 0
    assert _db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 0


def test_the_manager_page_fits_a_phone_and_shows_both_robots(client, login, world):
    login(world.manager_a)
    html = client.get(f"/channels/homes/{world.home_a.id}").get_data(as_text=True)
    assert 'data-testid="robot-wecom"' in html and 'data-testid="robot-dingtalk"' in html
    assert "如何添加群机器人" in html and "<table" not in html


def test_preferences_page_saves_the_choice_per_topic(client, login, world):
    login(world.manager_a)
    html = client.get("/account/messages").get_data(as_text=True)
    for topic in notifications.topics_for(Role.HOME_MANAGER):
        assert f'value="{topic.code}"' in html
    assert "活动审核结果" not in html                    # a representative's topic
    assert 'data-testid="mail-off"' in html               # mail is not configured in tests
    resp = client.post("/account/messages", data={"email": ["queue", "appeals", "nonsense"]})
    assert resp.status_code == 302
    stored = dict(_db.session.execute(sa.select(MessagePreference.topic, MessagePreference.email)
                                      .where(MessagePreference.user_id == world.manager_a.id)).all())
    assert stored["queue"] is True and stored["appeals"] is True
    assert stored["compliance_digest"] is False and "nonsense" not in stored
    html = client.get("/account/messages").get_data(as_text=True)
    assert 'value="queue" id="email-queue" checked' in html
    assert 'value="compliance_digest" id="email-compliance_digest">' in html


def test_test_email_is_queued_for_the_user_with_an_address(app, client, login, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    world.rep_a.email = "a@example.cn"
    _db.session.commit()
    login(world.rep_a)
    assert 'data-testid="send-test-mail"' in client.get("/account/messages").get_data(as_text=True)
    assert client.post("/account/messages/test").status_code == 302
    (d,) = _db.session.scalars(sa.select(Delivery))
    assert d.channel == DeliveryChannel.EMAIL and d.user_id == world.rep_a.id
    login(world.rep_b)                                     # no address: nothing queued
    client.post("/account/messages/test")
    assert _db.session.scalar(sa.select(sa.func.count(Delivery.id))) == 1


def test_allowed_hosts_narrow_where_robots_may_be(app, client, login, world, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", "qyapi.weixin.qq.com, .intranet.example")
    login(world.manager_a)
    base = f"/channels/homes/{world.home_a.id}/wecom"
    for url, status in (("http://10.0.0.5:5432/x?key=k", 422),
                        ("https://qyapi.weixin.qq.com.evil.cn/x?key=k", 422),
                        ("https://wecom.intranet.example/cgi-bin/webhook/send?key=k", 302),
                        ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", 302)):
        resp = client.post(base, data={"wecom-webhook_url": url, "wecom-message_format": "markdown"})
        assert resp.status_code == status, url
        if status == 422:
            assert "WEBHOOK_ALLOWED_HOSTS" in resp.get_data(as_text=True)


def test_credentials_in_a_url_are_masked_too():
    assert notifications.masked_url("http://robot:pa55word@10.1.2.3:8080/send?key=abcdefghijklmnop") \
        == "http://****@10.1.2.3:8080/send?key=abcd…mnop"


def test_a_failing_robot_reads_in_chinese_with_its_retry_state(app, client, login, world,
                                                               monkeypatch):
    """A robot whose host does not resolve: the page says why in Chinese (no exception names)
    and that the message is being retried (which attempt, when next), not 排队中."""
    from datetime import timedelta

    from models.base import utcnow
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://rephome.example.gov.cn")
    login(world.admin)
    resp = client.post("/channels/office/wecom", data={
        "wecom-webhook_url": "https://no-such-host.invalid/cgi-bin/webhook/send?key=k",
        "wecom-message_format": "markdown", "wecom-enabled": "y"})
    assert resp.status_code == 302
    assert client.post("/channels/office/wecom/test").status_code == 302
    at = utcnow()
    for _ in range(3):
        assert notifications.deliver_due(at)["retrying"] == 1
        at += timedelta(hours=7)
    html = client.get("/channels/office").get_data(as_text=True)
    state = html.split('data-testid="delivery-state">')[1].split("<")[0]
    assert state == "重试中（第 3 次）"
    error = html.split('data-testid="delivery-error">')[1].split("<")[0]
    assert "无法解析地址" in error
    assert "gaierror" not in html and "Errno" not in html and "下次尝试" in html
