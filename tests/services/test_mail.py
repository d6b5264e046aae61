"""Optional e-mail of notifications (services.mail) with a fake SMTP class: off by default, sends
once, records and retries failures up to five attempts, never crashes the job."""
import smtplib
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from jobs.runner import run_job
from models import JobRun, Notification
from models.enums import JobStatus
from services import mail
from services.notifications import notify


class FakeSMTP:
    """Records what would be sent; `fail_for` recipients raise; `refuse` makes connecting fail."""

    instances: list = []
    fail_for: set = set()
    refuse = False

    def __init__(self, host, port, timeout=None):
        if FakeSMTP.refuse:
            raise ConnectionRefusedError("连接被拒绝")
        self.host, self.port = host, port
        self.sent, self.calls = [], []
        FakeSMTP.instances.append(self)

    def starttls(self):
        self.calls.append("starttls")

    def login(self, user, password):
        self.calls.append(("login", user, password))

    def send_message(self, msg):
        if msg["To"] in FakeSMTP.fail_for:
            raise smtplib.SMTPRecipientsRefused({msg["To"]: (550, b"no such user")})
        self.sent.append(msg)

    def quit(self):
        self.calls.append("quit")


@pytest.fixture()
def smtp(app, monkeypatch):
    FakeSMTP.instances, FakeSMTP.fail_for, FakeSMTP.refuse = [], set(), False
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.cn")
    monkeypatch.setitem(app.config, "MAIL_PORT", 587)
    monkeypatch.setitem(app.config, "MAIL_SENDER", "rephome@example.cn")
    return FakeSMTP


def sent():
    return [m for s in FakeSMTP.instances for m in s.sent]


def test_off_by_default(app, world, monkeypatch):
    FakeSMTP.instances = []
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    assert app.config["MAIL_SERVER"] == ""
    world.rep_a.email = "a@example.cn"
    notify(world.rep_a, "t", "标题")
    _db.session.commit()
    assert not mail.enabled()
    assert mail.send_pending() == {"sent": 0, "failed": 0}
    assert FakeSMTP.instances == []


def test_sends_each_pending_notification_once_to_users_with_an_email(world, smtp):
    world.rep_a.email = "a@example.cn"
    world.rep_b.email = ""
    world.rep_a2.email = "a2@example.cn"
    world.rep_a2.active = False
    n1 = notify(world.rep_a, "t", "请补充联系记录", "正文", link="/rep/me")
    notify(world.rep_b, "t", "没有邮箱")
    notify(world.rep_a2, "t", "账号已停用")
    _db.session.commit()

    assert mail.send_pending() == {"sent": 1, "failed": 0}
    _db.session.commit()
    (msg,) = sent()
    assert msg["To"] == "a@example.cn" and msg["From"] == "rephome@example.cn"
    assert "请补充联系记录" in msg["Subject"]
    assert "/rep/me" in msg.get_content()
    assert smtp.instances[0].host == "smtp.example.cn" and smtp.instances[0].port == 587
    assert "quit" in smtp.instances[0].calls
    _db.session.refresh(n1)
    assert n1.emailed_at is not None and n1.email_error == ""

    assert mail.send_pending() == {"sent": 0, "failed": 0}   # never twice
    assert len(sent()) == 1


def test_tls_and_login_when_configured(app, world, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "robot")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "secret")
    world.rep_a.email = "a@example.cn"
    notify(world.rep_a, "t", "标题")
    _db.session.commit()
    mail.send_pending()
    assert smtp.instances[0].calls[:2] == ["starttls", ("login", "robot", "secret")]


def test_failed_send_is_recorded_and_retried_up_to_five_attempts(world, smtp):
    world.rep_a.email = "bad@example.cn"
    world.rep_b.email = "b@example.cn"
    bad = notify(world.rep_a, "t", "发不出去")
    good = notify(world.rep_b, "t", "能发出去")
    _db.session.commit()
    smtp.fail_for = {"bad@example.cn"}

    assert mail.send_pending() == {"sent": 1, "failed": 1}
    _db.session.commit()
    _db.session.refresh(bad)
    assert bad.emailed_at is None and bad.email_attempts == 1
    assert "SMTPRecipientsRefused" in bad.email_error
    for attempt in range(2, 6):
        assert mail.send_pending() == {"sent": 0, "failed": 1}
        _db.session.commit()
        _db.session.refresh(bad)
        assert bad.email_attempts == attempt
    assert mail.send_pending() == {"sent": 0, "failed": 0}   # gave up after five
    _db.session.refresh(good)
    assert good.emailed_at is not None and good.email_attempts == 1


def test_retry_succeeds_on_a_later_run(world, smtp):
    world.rep_a.email = "a@example.cn"
    n = notify(world.rep_a, "t", "稍后成功")
    _db.session.commit()
    smtp.refuse = True
    assert mail.send_pending() == {"sent": 0, "failed": 1}
    _db.session.commit()
    _db.session.refresh(n)
    assert n.email_attempts == 1 and "连接被拒绝" in n.email_error
    smtp.refuse = False
    assert mail.send_pending() == {"sent": 1, "failed": 0}
    _db.session.commit()
    _db.session.refresh(n)
    assert n.emailed_at is not None and n.email_attempts == 2 and n.email_error == ""


def test_job_run_mails_its_notifications_and_survives_a_dead_server(world, smtp):
    for user in (world.rep_a, world.rep_a2, world.rep_b, world.manager_a, world.manager_b):
        user.email = f"{user.username}@example.cn"
    _db.session.commit()
    smtp.refuse = True
    run = run_job("compliance_sweep", date(2026, 3, 4))
    assert run.status == JobStatus.SUCCESS
    assert run.counts["notified"] == 3 and run.counts["email_failed"] == 5
    _db.session.expire_all()
    notes = list(_db.session.scalars(sa.select(Notification)))
    assert len(notes) == 5 and all(n.email_attempts == 1 and n.emailed_at is None for n in notes)

    smtp.refuse = False
    run = run_job("compliance_sweep", date(2026, 3, 4))     # nothing new, but the backlog goes out
    assert run.status == JobStatus.SUCCESS
    assert run.counts["notified"] == 0 and run.counts["emailed"] == 5
    assert len(sent()) == 5
    assert _db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 2


def test_a_crashing_mail_step_never_fails_the_job(world, smtp, monkeypatch):
    def explode(limit=200):
        raise RuntimeError("mail bug")
    monkeypatch.setattr(mail, "send_pending", explode)
    run = run_job("compliance_sweep", date(2026, 3, 4))
    assert run.status == JobStatus.SUCCESS and run.counts["notified"] == 3
