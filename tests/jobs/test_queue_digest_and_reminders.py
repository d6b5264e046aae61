"""queue_digest (SPEC §7), catch-up at scheduler start, and the one-click contact reminder."""
import threading
from datetime import UTC, date, datetime

import sqlalchemy as sa

from extensions import db as _db
from jobs import schedule
from jobs.runner import run_job
from models import AuditLog, Notification
from models.enums import ActivityStatus, JobStatus
from services import clock
from services.clock import SHANGHAI
from tests.support import factories as f

AS_OF = date(2026, 3, 10)


def notes(kind):
    return list(_db.session.scalars(sa.select(Notification).where(Notification.kind == kind)
                                    .order_by(Notification.id)))


def submitted(rep, at, **kw):
    return f.activity(rep, status=ActivityStatus.SUBMITTED, submitted_at=at, **kw)


def shanghai(*args):
    return datetime(*args, tzinfo=SHANGHAI)


# --- queue_digest ------------------------------------------------------------------------------

def test_digest_counts_activities_waiting_three_calendar_days_or_more(world):
    submitted(world.rep_a, shanghai(2026, 3, 7, 23, 59))    # 3 days before 03-10: counts
    submitted(world.rep_a, shanghai(2026, 3, 1, 9, 0))      # long waiting: counts
    submitted(world.rep_a2, shanghai(2026, 3, 8, 0, 0))     # 2 days before: not yet
    submitted(world.rep_a, datetime(2026, 3, 7, 16, 30, tzinfo=UTC))  # = 03-08 00:30 Shanghai
    f.activity(world.rep_a, status=ActivityStatus.VERIFIED, submitted_at=shanghai(2026, 3, 1))
    f.activity(world.rep_a, status=ActivityStatus.RETURNED, submitted_at=shanghai(2026, 3, 1))
    _db.session.commit()
    run = run_job("queue_digest", AS_OF)
    assert run.status == JobStatus.SUCCESS, run.error
    assert run.counts["activities_waiting"] == 2 and run.counts["notified"] == 1
    [note] = notes("queue_digest")
    assert note.user_id == world.manager_a.id and "2 项活动" in note.title
    assert note.dedupe_key == "queue_digest:2026-03-10"


def test_no_waiting_activity_no_message(world):
    submitted(world.rep_a, shanghai(2026, 3, 9, 12))
    _db.session.commit()
    run = run_job("queue_digest", AS_OF)
    assert run.counts["notified"] == 0 and notes("queue_digest") == []


def test_digest_is_idempotent_per_manager_per_as_of_date(world):
    submitted(world.rep_a, shanghai(2026, 3, 1))
    submitted(world.rep_b, shanghai(2026, 3, 1))
    second_manager = f.manager(world.home_a, username="manager_a2")
    _db.session.commit()
    assert run_job("queue_digest", AS_OF).counts["notified"] == 3
    assert run_job("queue_digest", AS_OF).counts["notified"] == 0
    assert {n.user_id for n in notes("queue_digest")} == {
        world.manager_a.id, second_manager.id, world.manager_b.id}
    assert run_job("queue_digest", date(2026, 3, 11)).counts["notified"] == 3  # a new day
    assert len(notes("queue_digest")) == 6


def test_digest_is_scheduled_daily_at_0830():
    job = schedule.get("queue_digest")
    assert job.cron == {"hour": 8, "minute": 30}
    assert job.next_run(shanghai(2026, 3, 10, 8, 31)) == shanghai(2026, 3, 11, 8, 30)


# --- catch-up ----------------------------------------------------------------------------------

# --- the one-click reminder --------------------------------------------------------------------

def test_reminder_is_sent_once_per_representative_per_day_whoever_clicks(world, login, db,
                                                                        monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: AS_OF)
    second = f.manager(world.home_a, username="manager_a2")
    db.session.commit()
    path = f"/dashboard/home/representatives/{world.rep_a.id}/remind"
    resp = login(world.manager_a).post(path, follow_redirects=True)
    assert "已提醒该代表" in resp.get_data(as_text=True)
    assert login(world.manager_a).post(path).status_code == 302  # a double click
    resp = login(second).post(path, follow_redirects=True)
    assert "今天已收到提醒" in resp.get_data(as_text=True)
    [note] = notes("contact_reminder")
    assert note.user_id == world.rep_a.id and note.dedupe_key == "contact_reminder:2026-03-10"
    audits = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "remind_contacts"))
    assert [a.object_id for a in audits] == [world.rep_a.id]
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 11))
    login(second).post(path)
    assert len(notes("contact_reminder")) == 2


def test_dashboard_shows_the_button_then_reminded_today(world, login, db, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: AS_OF)
    c = login(world.manager_a)
    html = c.get("/dashboard/home?year=2026").get_data(as_text=True)
    assert f"/dashboard/home/representatives/{world.rep_a.id}/remind" in html
    c.post(f"/dashboard/home/representatives/{world.rep_a.id}/remind")
    html = c.get("/dashboard/home?year=2026").get_data(as_text=True)
    assert f"/dashboard/home/representatives/{world.rep_a.id}/remind" not in html
    assert "今日已提醒" in html
    assert f"/dashboard/home/representatives/{world.rep_a2.id}/remind" in html


def test_reminder_access(world, client, login, db):
    path = f"/dashboard/home/representatives/{world.rep_a.id}/remind"
    assert client.post(path).status_code == 302 and "/login" in client.post(path).headers["Location"]
    assert login(world.rep_a2).post(path).status_code == 403
    assert login(world.manager_b).post(path).status_code == 404  # another Home's representative
    assert login(world.manager_a).post(
        f"/dashboard/home/representatives/{world.manager_a.id}/remind").status_code == 404
    world.rep_a2.active = False
    db.session.commit()
    assert login(world.manager_a).post(
        f"/dashboard/home/representatives/{world.rep_a2.id}/remind").status_code == 404
    resp = login(world.admin).post(path, data={"home_id": world.home_a.id})
    assert resp.status_code == 302 and f"home_id={world.home_a.id}" in resp.headers["Location"]
    assert notes("contact_reminder")[0].user_id == world.rep_a.id


def test_two_clicks_at_once_send_one_reminder(app, world, db):
    from services.contacts import reminders
    barrier, results = threading.Barrier(2), []

    def worker(manager_id):
        with app.app_context():
            from models import User
            actor = _db.session.get(User, manager_id)
            barrier.wait()
            try:
                results.append(reminders.remind_contacts(actor, world.rep_a.id, AS_OF))
                _db.session.commit()
            finally:
                _db.session.remove()

    second = f.manager(world.home_a, username="manager_a2")
    db.session.commit()
    threads = [threading.Thread(target=worker, args=(m,)) for m in (world.manager_a.id, second.id)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, True]
    db.session.expire_all()
    assert len(notes("contact_reminder")) == 1


def test_home_dashboard_statement_count_does_not_grow_with_reminded_representatives(
        world, login, db, monkeypatch):
    from services.contacts import reminders
    from tests.conftest import count_statements
    monkeypatch.setattr(clock, "today", lambda: AS_OF)
    c = login(world.manager_a)
    c.get("/dashboard/home?year=2026")
    with count_statements() as few:
        c.get("/dashboard/home?year=2026")
    for _ in range(6):
        rep = f.representative(world.home_a)
        reminders.remind_contacts(world.manager_a, rep.id, AS_OF)
    db.session.commit()
    with count_statements() as many:
        c.get("/dashboard/home?year=2026")
    assert len(many) == len(few)
