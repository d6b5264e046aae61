"""Messages where people already are: e-mail against a real SMTP server (aiosmtpd), 企业微信 /
钉钉 robots against a local HTTP receiver (钉钉's signature checked by the receiver), retries with
backoff on 500s and timeouts, the rate per robot, each user's choice, and a failing channel that
never blocks the action or the other channels."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from jobs.runner import run_job
from models import AuditLog, Delivery, JobRun, MessageRobot, Notification
from models.base import utcnow
from models.enums import ActivityStatus, DeliveryChannel, DeliveryStatus, JobStatus
from services import activities, notifications
from tests.support import factories as f
from tests.support.receivers import RobotReceiver, SmtpCollector

BASE = "https://rephome.example.gov.cn:8443/rh"


@pytest.fixture()
def public_base(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE)


@pytest.fixture()
def smtp(app, monkeypatch, public_base):
    with SmtpCollector() as server:
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
        monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
        monkeypatch.setitem(app.config, "MAIL_USERNAME", "")
        monkeypatch.setitem(app.config, "MAIL_SENDER", "rephome@example.cn")
        yield server


@pytest.fixture()
def receiver(public_base):
    with RobotReceiver() as server:
        yield server


def robot(owner_home, provider, url, secret="", **kw):
    r = MessageRobot(owner=notifications.home_owner(owner_home.id) if owner_home else "office",
                     home_id=owner_home.id if owner_home else None, provider=provider,
                     webhook_url=url, secret=secret, **kw)
    _db.session.add(r)
    _db.session.commit()
    return r


def queued(**where):
    stmt = sa.select(Delivery).order_by(Delivery.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Delivery, key) == value)
    _db.session.expire_all()
    return list(_db.session.scalars(stmt))


# ---------------------------------------------------------------- e-mail (aiosmtpd)

def test_mail_off_queues_nothing(world):
    world.rep_a.email = "a@example.cn"
    notifications.notify(world.rep_a, "activity_verified", "活动已审核通过：读书会")
    _db.session.commit()
    assert queued() == []
    assert _db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1  # in-app always


def test_email_goes_through_a_real_smtp_server_with_counts_and_an_absolute_link(world, smtp):
    world.rep_a.email = "a@example.cn"
    world.rep_a.mobile = "13800000001"
    _db.session.commit()
    notifications.notify(world.rep_a, "compliance_reminder",
                         f"{world.rep_a.name}，2026年联系科技工作者尚未达标",
                         "正文里有姓名：代表甲，手机 13800000001", link="/rep/me",
                         counts={"year": 2026, "count": 3, "missing": 2})
    _db.session.commit()
    counts = notifications.deliver_due()
    assert counts["attempted"] == 1 and counts["delivered"] == 1
    (recipients, msg), = smtp.messages
    assert recipients == ["a@example.cn"]
    assert msg["From"] == "rephome@example.cn" and "联系科技工作者尚未达标" in msg["Subject"]
    body = msg.get_body().get_content()
    assert "2026年您已联系 3 名科技工作者，还差 2 名" in body
    assert f"{BASE}/rep/me" in body
    assert "代表甲" not in body + msg["Subject"] and "13800000001" not in body   # PIPL
    (d,) = queued()
    assert d.status == DeliveryStatus.DELIVERED and d.attempts == 1 and d.delivered_at
    assert notifications.deliver_due()["attempted"] == 0                          # never twice


def test_users_without_an_address_or_inactive_get_no_mail(world, smtp):
    world.rep_a.email = ""
    world.rep_a2.email = "a2@example.cn"
    world.rep_a2.active = False
    _db.session.commit()
    notifications.notify(world.rep_a, "activity_verified", "x")
    notifications.notify(world.rep_a2, "activity_verified", "y")
    notifications.notify(world.rep_b.id, "activity_verified", "z")   # an id: checked when sent
    _db.session.commit()
    assert len(queued()) == 1                                         # only the id's
    counts = notifications.deliver_due()
    assert counts["skipped"] == 1 and counts["attempted"] == 0
    assert smtp.messages == []


def test_each_user_chooses_what_comes_by_mail(world, smtp):
    world.rep_a.email = "a@example.cn"
    _db.session.commit()
    notifications.notify(world.rep_a, "activity_returned", "活动被退回：读书会")
    notifications.save_email_choices(world.rep_a, {"reminders"})     # activity_review off
    notifications.notify(world.rep_a, "inactivity_reminder", "您已有 60 天没有开展活动",
                         counts={"days": 60})
    _db.session.commit()
    assert len(queued()) == 2                       # the choice is read when sent
    counts = notifications.deliver_due()
    assert counts == {**counts, "delivered": 1, "skipped": 1}
    (_, msg), = smtp.messages
    assert "您已有 60 天没有开展活动" in msg.get_body().get_content()
    assert queued(kind="activity_returned")[0].status == DeliveryStatus.SKIPPED
    assert _db.session.scalar(sa.select(sa.func.count(Notification.id))) == 2  # in-app both
    choices = dict((t.code, on) for t, on in notifications.email_choices(world.rep_a))
    assert choices == {"activity_review": False, "reminders": False, "appeals": False, "needs": False,
                       "other": False} | {"reminders": True}
    entry = _db.session.scalar(sa.select(AuditLog).where(
        AuditLog.action == "update_message_preferences"))
    assert entry.after["email"]["reminders"] is True


def test_a_refusing_smtp_server_is_retried_with_backoff(app, world, smtp, monkeypatch):
    world.rep_a.email = "a@example.cn"
    _db.session.commit()
    notifications.notify(world.rep_a, "activity_verified", "x")
    _db.session.commit()
    smtp.refuse = True
    now = utcnow()
    counts = notifications.deliver_due(now)
    assert counts["retrying"] == 1
    (d,) = queued()
    assert d.attempts == 1 and "451" in d.last_error
    assert d.next_attempt_at == now + timedelta(seconds=60)
    smtp.refuse = False
    assert notifications.deliver_due(now + timedelta(seconds=30))["attempted"] == 0
    assert notifications.deliver_due(now + timedelta(seconds=61))["delivered"] == 1
    assert len(smtp.messages) == 1


def test_a_dead_smtp_server_fails_each_attempt_without_failing_the_job(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)       # nothing listens on discard
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT_SECONDS", 2)
    world.rep_a.email = "a@example.cn"
    _db.session.commit()
    notifications.notify(world.rep_a, "activity_verified", "x")
    _db.session.commit()
    run = run_job("deliver_messages", date(2026, 3, 4))
    assert run.status == JobStatus.SUCCESS and run.counts["retrying"] == 1
    (d,) = queued()
    assert d.status == DeliveryStatus.QUEUED and d.attempts == 1 and d.last_error


# ---------------------------------------------------------------- robots (local HTTP receiver)

def test_wecom_robot_gets_the_queue_digest_as_markdown_once(world, receiver):
    robot(world.home_a, DeliveryChannel.WECOM, receiver.url(key="wecom-key-123456789"))
    for _ in range(2):
        a = f.activity(world.rep_a, status=ActivityStatus.SUBMITTED)
        a.submitted_at = utcnow() - timedelta(days=5)
    _db.session.commit()
    today = utcnow().date() + timedelta(days=1)
    assert run_job("queue_digest", today).counts["notified"] == 1
    assert run_job("queue_digest", today).counts["notified"] == 0     # idempotent
    assert len(queued()) == 1                                         # one group message
    assert notifications.deliver_due()["delivered"] == 1
    (req,) = receiver.requests
    assert req["query"] == {"key": "wecom-key-123456789"}
    assert req["content_type"].startswith("application/json")
    body = req["body"]
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert "审核队列中有 2 项活动提交已满 3 天仍待审核" in content
    assert f"({BASE}/" in content and "manage" not in content.split("](")[0]
    assert world.home_a.name not in content and "代表甲" not in content


def test_dingtalk_requests_are_signed_and_the_receiver_checks_the_signature(world, public_base):
    secret = "SEC0123456789abcdef0123456789abcdef"
    with RobotReceiver(secret=secret) as good, RobotReceiver(secret=secret) as strict:
        robot(world.home_a, DeliveryChannel.DINGTALK, good.url("/robot/send", access_token="tok"),
              secret=secret)
        robot(world.home_b, DeliveryChannel.DINGTALK, strict.url("/robot/send", access_token="t2"),
              secret="SECwrong")
        notifications.announce(notifications.home_owner(world.home_a.id), "queue_digest",
                               "/activities/queue", {"count": 4, "days": 3})
        notifications.announce(notifications.home_owner(world.home_b.id), "queue_digest",
                               "/activities/queue", {"count": 1, "days": 3})
        _db.session.commit()
        counts = notifications.deliver_due()
        assert counts["delivered"] == 1 and counts["retrying"] == 1
        (req,) = good.requests
        assert req["query"]["access_token"] == "tok" and good.signature_ok(req["query"])
        assert req["body"]["msgtype"] == "markdown"
        assert "4 项活动" in req["body"]["markdown"]["text"]
        bad = [d for d in queued() if d.status == DeliveryStatus.QUEUED]
        assert len(bad) == 1 and "310000" in bad[0].last_error


def test_sign_is_dingtalks_algorithm():
    # The example of 钉钉's documentation: HMAC-SHA256 over "timestamp\nsecret", Base64, URL-encoded.
    import base64
    import hashlib
    import hmac
    from urllib.parse import quote_plus
    secret, ts = "SECexample", 1577262236757
    expected = quote_plus(base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(),
                                                    hashlib.sha256).digest()))
    assert notifications.dingtalk_sign(secret, ts) == expected
    url = notifications.signed_url("https://oapi.dingtalk.com/robot/send?access_token=x", secret, ts)
    assert url == f"https://oapi.dingtalk.com/robot/send?access_token=x&timestamp={ts}&sign={expected}"
    assert notifications.signed_url("https://x/robot/send?access_token=x", "") == \
        "https://x/robot/send?access_token=x"


def test_text_format_for_deployments_without_markdown(world, receiver):
    from models.enums import RobotFormat
    robot(None, DeliveryChannel.WECOM, receiver.url(key="k"), message_format=RobotFormat.TEXT)
    notifications.notify_office("application_submitted", "南京市科协提交了2026年度申报书",
                                link="/province/review", counts={"count": 1})
    _db.session.commit()
    notifications.deliver_due()
    (req,) = receiver.requests
    assert req["body"]["msgtype"] == "text"
    content = req["body"]["text"]["content"]
    assert "收到 1 份新提交的申报书" in content and f"{BASE}/province/review" in content
    assert "南京市科协" not in content


def test_500s_are_retried_with_exponential_backoff_until_delivered(world, receiver):
    robot(world.home_a, DeliveryChannel.WECOM, receiver.url(key="k"))
    receiver.script = [500, 502, 503]
    notifications.announce(notifications.home_owner(world.home_a.id), "compliance_digest",
                           "/manage/representatives", {"count": 2})
    _db.session.commit()
    now = utcnow()
    waits = []
    at = now
    for _ in range(3):
        assert notifications.deliver_due(at)["retrying"] == 1
        (d,) = queued()
        waits.append((d.next_attempt_at - at).total_seconds())
        assert notifications.deliver_due(d.next_attempt_at - timedelta(seconds=1))["attempted"] == 0
        at = d.next_attempt_at
    assert waits == [60, 120, 240]
    assert notifications.deliver_due(at)["delivered"] == 1
    (d,) = queued()
    assert d.attempts == 4 and d.status == DeliveryStatus.DELIVERED and d.last_error == ""
    assert [r["answer"] for r in receiver.requests] == [500, 502, 503, None]
    assert notifications.backoff(20) == timedelta(hours=6)                 # capped


def test_a_timeout_is_a_failed_attempt_retried_later(app, world, monkeypatch, public_base):
    monkeypatch.setitem(app.config, "WEBHOOK_TIMEOUT_SECONDS", 1)
    with RobotReceiver(slow_seconds=2.5) as slow:
        robot(world.home_a, DeliveryChannel.WECOM, slow.url(key="k"))
        slow.script = ["slow"]
        notifications.announce(notifications.home_owner(world.home_a.id), "appeal_received",
                               "/manage/appeals", {"count": 1})
        _db.session.commit()
        now = utcnow()
        assert notifications.deliver_due(now)["retrying"] == 1
        (d,) = queued()
        assert d.last_error.startswith("连接超时") and d.attempts == 1
        assert notifications.deliver_due(now + timedelta(seconds=61))["delivered"] == 1


def test_gives_up_after_the_maximum_attempts(app, world, receiver, monkeypatch):
    monkeypatch.setitem(app.config, "DELIVERY_MAX_ATTEMPTS", 3)
    robot(world.home_a, DeliveryChannel.WECOM, receiver.url(key="k"))
    receiver.script = [{"errcode": 45009, "errmsg": "api freq out of limit"}] * 5
    notifications.announce(notifications.home_owner(world.home_a.id), "appeal_received", "",
                           {"count": 1})
    _db.session.commit()
    at = utcnow()
    outcomes = []
    for _ in range(4):
        counts = notifications.deliver_due(at)
        outcomes.append((counts["retrying"], counts["failed"]))
        at += timedelta(hours=1)
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0)]
    (d,) = queued()
    assert d.status == DeliveryStatus.FAILED and "45009" in d.last_error and d.attempts == 3


def test_rate_per_robot(app, world, monkeypatch, public_base):
    monkeypatch.setitem(app.config, "WEBHOOK_RATE_PER_MINUTE", 3)
    with RobotReceiver() as one, RobotReceiver() as two:
        robot(world.home_a, DeliveryChannel.WECOM, one.url(key="a"))
        robot(world.home_b, DeliveryChannel.WECOM, two.url(key="b"))
        for i in range(5):
            notifications.announce(notifications.home_owner(world.home_a.id), "appeal_received",
                                   "", {"count": i + 1})
        for i in range(2):
            notifications.announce(notifications.home_owner(world.home_b.id), "appeal_received",
                                   "", {"count": i + 1})
        _db.session.commit()
        now = utcnow()
        counts = notifications.deliver_due(now)
        assert counts["delivered"] == 5                  # 3 for the first robot, 2 for the other
        assert len(one.requests) == 3 and len(two.requests) == 2
        assert notifications.deliver_due(now + timedelta(seconds=30))["delivered"] == 0
        assert notifications.deliver_due(now + timedelta(seconds=61))["delivered"] == 2
        texts = [r["body"]["markdown"]["content"] for r in one.requests]
        assert [t.split("收到 ")[1][0] for t in texts] == ["1", "2", "3", "4", "5"]   # in order


def test_a_failing_channel_never_blocks_the_action_nor_the_other_channels(world, smtp, public_base):
    with RobotReceiver() as good:
        dead_port = good.port + 1 if good.port < 65535 else good.port - 1
        robot(world.home_a, DeliveryChannel.WECOM, f"http://127.0.0.1:{dead_port}/send?key=x")
        robot(world.home_a, DeliveryChannel.DINGTALK, good.url("/robot/send", access_token="t"))
        world.rep_a.email = "a@example.cn"
        _db.session.commit()
        from services import appeals
        appeals.create_appeal(world.rep_a, {"category": "policy", "content": "希望简化项目申报材料"})
        _db.session.commit()                                 # the action is done, nothing sent
        assert good.requests == []
        counts = notifications.deliver_due()
        assert counts["delivered"] == 1 and counts["retrying"] == 1
        assert len(good.requests) == 1
        assert "收到 1 条新的诉求建议" in good.requests[0]["body"]["markdown"]["text"]
        assert "希望简化" not in str(good.requests[0]["body"])   # no free text outside the app


def test_queueing_trouble_never_stops_the_action(world, smtp, monkeypatch):
    def broken(*a, **kw):
        raise RuntimeError("boom")
    monkeypatch.setattr("services.notifications.outbox.absolute_link", broken)
    world.rep_a.email = "a@example.cn"
    a = f.activity(world.rep_a, status=ActivityStatus.SUBMITTED)
    _db.session.commit()
    activities.review_activity(world.manager_a, a, "verify")
    _db.session.commit()
    _db.session.refresh(a)
    assert a.status == ActivityStatus.VERIFIED
    assert _db.session.scalar(sa.select(Notification.kind)) == "activity_verified"


# ---------------------------------------------------------------- the job

def test_the_job_records_runs_that_sent_something_and_none_when_idle(world, receiver):
    assert run_job("deliver_messages", trigger="scheduler").status == JobStatus.SUCCESS
    assert _db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 0    # idle minute: no record
    robot(world.home_a, DeliveryChannel.WECOM, receiver.url(key="k"))
    notifications.announce(notifications.home_owner(world.home_a.id), "appeal_received", "",
                           {"count": 1})
    _db.session.commit()
    run = run_job("deliver_messages", trigger="scheduler")
    assert run.status == JobStatus.SUCCESS and run.counts["delivered"] == 1
    assert _db.session.scalar(sa.select(sa.func.count(JobRun.id))) == 1


def test_an_idle_run_someone_asked_for_is_recorded(db):
    """SPEC §7: every run records a Job run; only the scheduler's idle minutes are not kept."""
    run = run_job("deliver_messages")                      # `flask jobs run deliver_messages`
    assert run.status == JobStatus.SUCCESS and run.counts["attempted"] == 0
    stored = _db.session.scalars(sa.select(JobRun)).all()
    assert [(r.job_name, r.status, r.counts["trigger"]) for r in stored] == [
        ("deliver_messages", JobStatus.SUCCESS, "cli")]


def test_the_job_is_in_the_schedule_every_minute_and_not_caught_up(db):
    from datetime import datetime

    from jobs import schedule
    from jobs.catch_up import missed
    from services.clock import SHANGHAI
    job = schedule.get("deliver_messages")
    assert job.cron == {"minute": "*"} and job.quiet
    nxt = job.next_run(datetime(2026, 3, 4, 8, 0, 30, tzinfo=SHANGHAI))
    assert nxt.replace(tzinfo=None) == datetime(2026, 3, 4, 8, 1)
    assert "deliver_messages" not in {name for name, _ in missed()}


def test_a_claimed_message_is_not_taken_twice(world, receiver):
    from services.notifications.delivery import claim
    robot(world.home_a, DeliveryChannel.WECOM, receiver.url(key="k"))
    (d,) = notifications.announce(notifications.home_owner(world.home_a.id), "appeal_received",
                                  "", {"count": 1})
    _db.session.commit()
    now = utcnow()
    assert claim(d.id, now) is True
    assert claim(d.id, now) is False
    assert notifications.deliver_due(now)["attempted"] == 0      # held by the first claim
    assert notifications.deliver_due(now + timedelta(minutes=6))["delivered"] == 1


def test_a_disabled_robot_gets_nothing_and_its_queue_is_dropped(world, receiver):
    r = robot(world.home_a, DeliveryChannel.WECOM, receiver.url(key="k"))
    notifications.announce(notifications.home_owner(world.home_a.id), "appeal_received", "",
                           {"count": 1})
    _db.session.commit()
    r.enabled = False
    _db.session.commit()
    notifications.announce(notifications.home_owner(world.home_a.id), "appeal_received", "",
                           {"count": 2})
    _db.session.commit()
    assert len(queued()) == 1                                     # the second was not queued
    assert notifications.deliver_due()["skipped"] == 1
    assert receiver.requests == []


def test_group_messages_of_a_job_do_not_grow_the_reads_with_the_homes(world, receiver):
    """queue_digest with robots on every Home: the robots and the dedupe keys are read once per
    run, whatever the number of Homes."""
    from tests.conftest import count_statements

    def busy(home):
        robot(home, DeliveryChannel.WECOM, receiver.url(key=f"k{home.id}"))
        a = f.activity(f.representative(home), status=ActivityStatus.SUBMITTED)
        a.submitted_at = utcnow() - timedelta(days=5)
        _db.session.commit()

    def reads(day):
        with count_statements() as statements:
            assert run_job("queue_digest", day).status == JobStatus.SUCCESS
        return len([s for s in statements if s.lstrip().upper().startswith("SELECT")])

    today = utcnow().date() + timedelta(days=1)
    for home in (world.home_a, world.home_b):
        busy(home)
    few = reads(today)
    for _ in range(5):
        busy(f.home())
    many = reads(today + timedelta(days=1))
    assert many == few
    assert len(queued()) == 2 + 7


def test_a_rate_of_zero_means_no_limit(app, world, receiver, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_RATE_PER_MINUTE", 0)
    robot(world.home_a, DeliveryChannel.WECOM, receiver.url(key="k"))
    for i in range(25):
        notifications.announce(notifications.home_owner(world.home_a.id), "appeal_received", "",
                               {"count": i + 1})
    _db.session.commit()
    assert notifications.deliver_due()["delivered"] == 25


def test_finished_messages_are_removed_after_the_keep_days(world, receiver):
    robot(world.home_a, DeliveryChannel.WECOM, receiver.url(key="k"))
    old, waiting = (notifications.announce(notifications.home_owner(world.home_a.id),
                                           "appeal_received", "", {"count": i})[0] for i in (1, 2))
    _db.session.commit()
    now = utcnow()
    old.status, old.next_attempt_at = DeliveryStatus.DELIVERED, now - timedelta(days=91)
    waiting.next_attempt_at = now + timedelta(days=1)
    _db.session.commit()
    notifications.deliver_due(now)
    assert [d.id for d in queued()] == [waiting.id]
