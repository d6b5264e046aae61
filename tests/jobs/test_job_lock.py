"""The lease in job_locks: one holder at a time, across connections and threads; stale leases are
taken over; a held lease makes run_job record `skipped` without doing the work."""
import queue
import threading
from datetime import date, timedelta

import sqlalchemy as sa

from extensions import db as _db
from jobs import locking, schedule
from jobs.runner import run_job
from models import JobLock, JobRun, Notification, User
from models.base import utcnow
from models.enums import JobStatus
from tests.support import factories as f


def test_acquire_is_exclusive_until_released(db):
    assert locking.acquire("validity_watch", "one")
    assert not locking.acquire("validity_watch", "two")
    assert locking.holder("validity_watch").owner == "one"
    assert locking.acquire("publicity_close", "two")      # other names are independent
    assert not locking.release("validity_watch", "two")   # only the owner can release
    assert locking.release("validity_watch", "one")
    assert locking.acquire("validity_watch", "two")
    assert locking.holder("validity_watch").owner == "two"


def test_lease_is_visible_to_other_connections_immediately(db):
    assert locking.acquire("compliance_sweep", "one")
    with _db.engine.connect() as other:
        row = other.execute(sa.select(JobLock.__table__)).one()
    assert row.owner == "one" and row.expires_at > row.acquired_at


def test_stale_lease_is_taken_over(db):
    past = utcnow() - timedelta(hours=3)
    _db.session.add(JobLock(name="validity_watch", owner="crashed-host:123",
                            acquired_at=past, expires_at=past + timedelta(hours=2)))
    _db.session.commit()
    assert locking.acquire("validity_watch", "fresh")
    assert locking.holder("validity_watch").owner == "fresh"
    assert not locking.acquire("validity_watch", "third")  # the new lease is not stale


def test_unexpired_lease_is_not_taken_over(db):
    now = utcnow()
    _db.session.add(JobLock(name="validity_watch", owner="alive", acquired_at=now,
                            expires_at=now + timedelta(minutes=1)))
    _db.session.commit()
    assert not locking.acquire("validity_watch", "other")
    assert locking.holder("validity_watch").owner == "alive"


def test_run_job_skips_while_the_lease_is_held_and_records_it(world, monkeypatch):
    called = []
    monkeypatch.setattr(schedule, "JOBS", (schedule.ScheduledJob(
        "probe", {"hour": 1}, lambda today: called.append(today) or {}, "", ""),))
    assert locking.acquire("probe", "scheduler-on-host-b")
    run = run_job("probe", date(2026, 5, 1))
    assert run.status == JobStatus.SKIPPED and called == []
    assert "scheduler-on-host-b" in run.error
    assert run.as_of == date(2026, 5, 1) and run.finished_at is not None
    assert locking.holder("probe").owner == "scheduler-on-host-b"  # not released by the loser


def test_run_job_takes_over_a_stale_lease_and_releases_it(world, monkeypatch):
    called = []
    monkeypatch.setattr(schedule, "JOBS", (schedule.ScheduledJob(
        "probe", {"hour": 1}, lambda today: called.append(today) or {"n": 1}, "", ""),))
    past = utcnow() - timedelta(days=1)
    _db.session.add(JobLock(name="probe", owner="dead", acquired_at=past,
                            expires_at=past + timedelta(hours=2)))
    _db.session.commit()
    run = run_job("probe", date(2026, 5, 1))
    assert run.status == JobStatus.SUCCESS and called == [date(2026, 5, 1)]
    assert locking.holder("probe") is None                # released at the end


def test_lease_released_after_a_failure(world, monkeypatch):
    def boom(today):
        raise ValueError("x")
    monkeypatch.setattr(schedule, "JOBS", (schedule.ScheduledJob("probe", {"hour": 1}, boom, "", ""),))
    assert run_job("probe", date(2026, 5, 1)).status == JobStatus.FAILED
    assert locking.holder("probe") is None
    assert run_job("probe", date(2026, 5, 1)).status == JobStatus.FAILED  # not skipped


def test_two_runs_started_together_from_two_threads_only_one_works(app, world, monkeypatch):
    """Two threads (each its own app context, session and connection) start the same job at the
    same moment: exactly one does the work, the other records `skipped`."""
    user_id = world.rep_a.id
    entered = threading.Event()
    release = threading.Event()
    work = []

    def slow_job(today):
        entered.set()
        release.wait(10)          # hold the lease while the other thread tries
        from services.notifications import notify
        notify(_db.session.get(User, user_id), "probe", "只应发送一次", dedupe_key=None)
        work.append(threading.get_ident())
        return {"done": 1}

    monkeypatch.setattr(schedule, "JOBS", (schedule.ScheduledJob(
        "probe", {"hour": 1}, slow_job, "", ""),))
    start = threading.Barrier(2)
    finished = queue.Queue()

    def worker():
        with app.app_context():
            try:
                start.wait(5)
                run = run_job("probe", date(2026, 5, 1), trigger="thread")
                finished.put(run.status)
            except Exception as exc:  # surfaced to the test below
                finished.put(exc)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    first = finished.get(timeout=15)      # the loser finishes while the winner holds the lease
    assert entered.wait(10)               # the winner is inside the job, holding the lease
    release.set()
    second = finished.get(timeout=15)
    for t in threads:
        t.join(15)

    assert sorted([first, second]) == sorted([JobStatus.SKIPPED, JobStatus.SUCCESS])
    assert first == JobStatus.SKIPPED
    assert len(work) == 1
    _db.session.expire_all()
    runs = list(_db.session.scalars(sa.select(JobRun).order_by(JobRun.id)))
    assert sorted(r.status for r in runs) == sorted([JobStatus.SKIPPED, JobStatus.SUCCESS])
    assert all(r.counts["trigger"] == "thread" for r in runs)
    assert _db.session.scalar(sa.select(sa.func.count(Notification.id))
                              .where(Notification.kind == "probe")) == 1
    assert locking.holder("probe") is None


def test_real_job_twice_in_a_row_from_two_threads_is_idempotent(app, world):
    """Whatever the interleaving, two runs of a real job for one date leave one set of notices."""
    f.representative(world.home_a)
    _db.session.commit()
    results = []

    def worker():
        with app.app_context():
            try:
                results.append(run_job("compliance_sweep", date(2026, 3, 4)).status)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert JobStatus.SUCCESS in results and JobStatus.FAILED not in results
    _db.session.expire_all()
    keys = list(_db.session.execute(sa.select(Notification.user_id, Notification.dedupe_key)))
    assert len(keys) == len(set(keys)) == 4 + 2   # four representatives, two manager digests


def test_a_crashed_run_left_running_is_closed_when_its_stale_lease_is_taken_over(world, monkeypatch):
    monkeypatch.setattr(schedule, "JOBS", (schedule.ScheduledJob(
        "probe", {"hour": 1}, lambda today: {}, "", ""),))
    past = utcnow() - timedelta(hours=5)
    crashed = JobRun(job_name="probe", as_of=date(2026, 4, 30), started_at=past,
                     status=JobStatus.RUNNING)
    other = JobRun(job_name="validity_watch", as_of=date(2026, 4, 30), started_at=past,
                   status=JobStatus.RUNNING)
    _db.session.add_all([crashed, other])
    _db.session.add(JobLock(name="probe", owner="dead", acquired_at=past,
                            expires_at=past + timedelta(hours=2)))
    _db.session.commit()
    run = run_job("probe", date(2026, 5, 1))
    assert run.status == JobStatus.SUCCESS
    _db.session.expire_all()
    assert _db.session.get(JobRun, crashed.id).status == JobStatus.FAILED
    assert "进程中断" in _db.session.get(JobRun, crashed.id).error
    assert _db.session.get(JobRun, other.id).status == JobStatus.RUNNING  # another job's: untouched
