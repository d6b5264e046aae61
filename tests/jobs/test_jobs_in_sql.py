"""compliance_sweep and inactivity_reminder write their reminders in SQL: the e-mails they queue
follow the same rules as `notify`'s, and no statement's parameters grow with the representatives
(an `IN (…)` of every id passed the driver's 65,535-parameter limit at a national scale);
queue_digest and validity_watch find the managers still to notify the same way."""
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from jobs.runner import run_job
from models import Delivery, Notification
from models.enums import JobStatus
from tests.conftest import largest_bind_list
from tests.support import factories as f


@pytest.fixture()
def mail_on(app):
    app.config["MAIL_SERVER"] = "mail.invalid"  # queued only: the delivery job sends
    yield
    app.config["MAIL_SERVER"] = ""


def _deliveries(kind):
    return list(_db.session.scalars(sa.select(Delivery).where(Delivery.kind == kind)
                                    .order_by(Delivery.user_id)))


def test_sweep_queues_one_email_per_new_reminder_with_counts_and_no_names(world, mail_on):
    world.rep_a.email, world.rep_a2.email, world.rep_b.email = "a@x.cn", "", "b@x.cn"
    f.contact(world.rep_a, f.worker(linked_by=world.rep_a), date(2026, 3, 1))
    _db.session.commit()
    assert run_job("compliance_sweep", date(2026, 3, 4)).status == JobStatus.SUCCESS
    mails = _deliveries("compliance_reminder")
    assert [(d.user_id, d.target) for d in mails] == [(world.rep_a.id, f"user:{world.rep_a.id}"),
                                                      (world.rep_b.id, f"user:{world.rep_b.id}")]
    assert mails[0].text == "2026年您已联系 1 名科技工作者，还差 4 名"
    assert mails[0].dedupe_key == "compliance_reminder:2026-W10"
    assert mails[0].link.endswith("/dashboard/representative")
    assert "代表" not in mails[0].text  # counts and a link, never names (PIPL)
    assert run_job("compliance_sweep", date(2026, 3, 5)).status == JobStatus.SUCCESS
    assert len(_deliveries("compliance_reminder")) == 2  # same week: nothing twice


def test_sweep_without_mail_queues_nothing(world):
    world.rep_a.email = "a@x.cn"
    _db.session.commit()
    assert run_job("compliance_sweep", date(2026, 3, 4)).status == JobStatus.SUCCESS
    assert _deliveries("compliance_reminder") == []
    assert _db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.kind == "compliance_reminder")) == 3


def test_inactivity_reminder_queues_its_email(world, mail_on):
    world.rep_b.email = "b@x.cn"
    _db.session.commit()
    run = run_job("inactivity_reminder", date(2026, 3, 2))
    assert run.status == JobStatus.SUCCESS and run.counts["notified"] == 3
    (mail,) = _deliveries("inactivity_reminder")
    assert mail.user_id == world.rep_b.id and mail.text == "您已有 60 天没有开展活动"


@pytest.mark.parametrize("job", ["compliance_sweep", "inactivity_reminder"])
def test_parameters_do_not_grow_with_the_representatives(world, job, mail_on):
    def add(n):
        for _ in range(n):
            home = f.home()
            f.manager(home)
            for _ in range(3):
                f.representative(home, email="r@x.cn")
        _db.session.commit()

    add(1)
    with largest_bind_list() as few:
        assert run_job(job, date(2026, 3, 2)).status == JobStatus.SUCCESS
    add(6)
    with largest_bind_list() as many:
        run = run_job(job, date(2026, 3, 9))
    assert run.status == JobStatus.SUCCESS and run.counts["notified"] == 3 + 3 * 7
    assert many["max"] == few["max"], many["statement"]


@pytest.mark.parametrize("job, day", [("queue_digest", date(2026, 3, 10)),
                                      ("validity_watch", date(2026, 12, 1))])
def test_manager_jobs_find_who_was_notified_without_a_list_of_ids(db, job, day):
    """queue_digest and validity_watch find the managers still to notify with an anti-join: the
    largest parameter list is the same for 2 Homes as for 8, and each manager is notified once."""
    from datetime import UTC, datetime

    def add(n):
        for _ in range(n):
            home = f.home(expires_on=date(2027, 1, 10))
            f.manager(home)
            f.manager(home)
            rep = f.representative(home)
            f.activity(rep, submitted_at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
        _db.session.commit()

    add(2)
    with largest_bind_list() as few:
        first = run_job(job, day)
    assert first.status == JobStatus.SUCCESS and first.counts[_NOTIFIED[job]] == 4
    add(6)
    with largest_bind_list() as many:
        second = run_job(job, day)
    assert second.status == JobStatus.SUCCESS, second.error
    assert second.counts[_NOTIFIED[job]] == 12          # the new Homes' managers, not the first ones
    assert many["max"] == few["max"], many["statement"]
    assert _db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.kind == _KIND[job])) == 16


_NOTIFIED = {"queue_digest": "notified", "validity_watch": "warned"}
_KIND = {"queue_digest": "queue_digest", "validity_watch": "home_expiring"}
