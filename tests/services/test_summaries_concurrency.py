"""Summary tables under 20 concurrent writers (PostgreSQL, real row locks): the atomic upserts
add up exactly — afterwards summaries equal the raw aggregates and the expected totals."""
import threading
import time
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Activity, Appeal, ContactRecord, User
from models.enums import ActivityStatus
from models.summary import AppealSummary
from services import accounts, compliance, dashboard, summaries
from services import accounts as account_lifecycle
from services import activities as activity_service
from services import appeals as appeal_service
from services import contacts as contact_service
from services.errors import ServiceError
from services.summaries import appeals as summary_appeals
from services.summaries import tables, writes
from tests.conftest import _database_url, make_app
from tests.support import factories as f
from tests.support.workers import one_at_a_time

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not _database_url().startswith("postgresql"),
                       reason="concurrent writers need PostgreSQL (TEST_DATABASE_URL)"),
]

WRITERS = 20
ROUNDS = 3


@pytest.fixture(autouse=True)
def one_race_at_a_time():
    """Under xdist one worker at a time runs 20 writers: two would crowd PostgreSQL's max_connections."""
    with one_at_a_time("races"):
        yield


def _writer(app, index, ids, barrier, errors):
    try:
        with app.app_context():
            rep_id = ids["reps"][index % len(ids["reps"])]
            workers = ids["workers"][rep_id]
            barrier.wait(timeout=60)
            for round_ in range(ROUNDS):
                rep = _db.session.get(User, rep_id)
                contact_service.create_contact(rep, {
                    "worker_id": workers[round_ % len(workers)], "channel": "visit",
                    "date": date(2026, 3, 1 + round_).isoformat()})
                _db.session.commit()
                activity = activity_service.create_activity(rep, {
                    "theme": "window", "kind": "exchange", "title": f"活动{index}-{round_}",
                    "mode": "offline", "date": "2026-03-10", "participants": index + round_,
                    "summary": "内容", "worker_ids": workers[:2]})
                _db.session.commit()
                manager = _db.session.get(User, ids["manager"])
                activity_service.review_activity(manager, activity, "verify")
                _db.session.commit()
                if (index + round_) % 3 == 0:  # delete every third, verified, with its contacts
                    admin = _db.session.get(User, ids["admin"])
                    activity_service.delete_activity(admin, _db.session.get(Activity, activity.id))
                    _db.session.commit()
                elif (index + round_) % 3 == 1:  # an admin moves it to another month
                    admin = _db.session.get(User, ids["admin"])
                    activity_service.update_activity(admin, _db.session.get(Activity, activity.id),
                                            {"date": "2026-04-02"})
                    _db.session.commit()
            _db.session.remove()
    except Exception as error:  # reported by the test, with the writer's number
        errors.append((index, repr(error)))


def test_twenty_concurrent_writers_keep_summaries_exact(db):
    home = f.home()
    manager = f.manager(home)
    admin = f.admin()
    reps = [f.representative(home) for _ in range(4)]
    shared = f.worker(linked_by=reps[0])
    workers = {}
    for rep in reps:
        if rep is not reps[0]:
            f.link(rep, shared)
        workers[rep.id] = [shared.id] + [f.worker(linked_by=rep).id for _ in range(2)]
    db.session.commit()
    ids = {"reps": [r.id for r in reps], "workers": workers, "manager": manager.id,
           "admin": admin.id}
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": WRITERS + 2, "max_overflow": 5})
    barrier = threading.Barrier(WRITERS)
    errors = []
    threads = [threading.Thread(target=_writer, args=(app, i, ids, barrier, errors))
               for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    with app.app_context():
        _db.engine.dispose()
    assert errors == []

    db.session.expire_all()
    assert summaries.differences() == []
    kept = [(i + r) % 3 for i in range(WRITERS) for r in range(ROUNDS)]
    rows = dict(((y, m), (n, p)) for y, m, n, p in db.session.execute(
        sa.select(tables.A.c.year, tables.A.c.month, tables.A.c.activities,
                  tables.A.c.participants).where(tables.A.c.home_id == home.id)))
    assert rows[(2026, 3)][0] == kept.count(2)
    assert rows[(2026, 4)][0] == kept.count(1)
    assert rows[(2026, 3)][1] == sum(i + r for i in range(WRITERS) for r in range(ROUNDS)
                                     if (i + r) % 3 == 2)
    assert db.session.scalar(sa.select(sa.func.count(Activity.id)).where(
        Activity.status == ActivityStatus.VERIFIED)) == kept.count(1) + kept.count(2)
    manual = db.session.scalar(sa.select(sa.func.count(ContactRecord.id)).where(
        ContactRecord.activity_id.is_(None)))
    assert manual == WRITERS * ROUNDS
    assert db.session.scalar(sa.select(sa.func.sum(tables.C.c.contacts))) == db.session.scalar(
        sa.select(sa.func.count(ContactRecord.id)))


def _people_writer(app, index, ids, barrier, errors):
    """Writer `index`: every fourth moves and (de)activates representatives; the others add
    contacts with new workers for one of them, file an appeal and change the status of one."""
    try:
        with app.app_context():
            barrier.wait(timeout=60)
            admin = _db.session.get(User, ids["admin"])
            for round_ in range(ROUNDS):
                rep_id = ids["reps"][(index + round_) % len(ids["reps"])]
                rep = _db.session.get(User, rep_id)
                if index % 4 == 0:
                    target = ids["homes"][1] if rep.home_id == ids["homes"][0] else ids["homes"][0]
                    try:  # 409 when another mover moved them there first
                        account_lifecycle.move_representative(admin, rep, target)
                        _db.session.commit()
                    except ServiceError:
                        _db.session.rollback()
                    rep = _db.session.get(User, rep_id)
                    accounts.set_active(admin, rep, not rep.active)
                    _db.session.commit()
                    continue
                worker = ids["workers"][rep_id][(index * ROUNDS + round_) % len(
                    ids["workers"][rep_id])]
                try:  # refused while a mover has the representative deactivated
                    contact_service.create_contact(rep, {
                        "worker_id": worker, "channel": "visit",
                        "date": date(2026, 5, 1 + round_).isoformat()})
                    _db.session.commit()
                    appeal = appeal_service.create_appeal(_db.session.get(User, rep_id), {
                        "category": "research_funding", "content": f"诉求{index}-{round_}"})
                    _db.session.commit()
                except ServiceError:
                    _db.session.rollback()
                    continue
                appeal_service.change_status(admin, _db.session.get(Appeal, appeal.id), {
                    "response": f"已答复{index}-{round_}", "status": (
                        "forwarded", "resolved", "closed")[(index + round_) % 3]})
                _db.session.commit()
            _db.session.remove()
    except Exception as error:  # reported by the test, with the writer's number
        errors.append((index, repr(error)))


def test_concurrent_moves_contacts_and_appeals_keep_per_home_summaries_exact(db, monkeypatch):
    """Moves and (de)activations race contacts and appeals of the same representatives: the
    per-Home levels, active counts and appeal rows equal the raw figures afterwards. A pause
    after a writer has read a representative's Home widens the window a move would slip into
    (without the FOR SHARE lock a level lands in the Home they just left)."""
    add_levels = writes.add_levels

    def slow_add_levels(*args):
        time.sleep(0.1)
        return add_levels(*args)

    monkeypatch.setattr(writes, "add_levels", slow_add_levels)
    homes = [f.home(), f.home()]
    admin = f.admin()
    reps = [f.representative(homes[i % 2]) for i in range(4)]
    workers = {rep.id: [f.worker(linked_by=rep).id for _ in range(2 * WRITERS)] for rep in reps}
    for rep in reps:  # four workers each to begin with: every new one crosses a level
        for worker_id in workers[rep.id][-4:]:
            contact_service.create_contact(rep, {"worker_id": worker_id, "channel": "visit",
                                                 "date": "2026-02-01"})
    db.session.commit()
    ids = {"reps": [r.id for r in reps], "workers": workers, "admin": admin.id,
           "homes": [h.id for h in homes]}
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": WRITERS + 2, "max_overflow": 5})
    barrier = threading.Barrier(WRITERS)
    errors = []
    threads = [threading.Thread(target=_people_writer, args=(app, i, ids, barrier, errors))
               for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    with app.app_context():
        _db.engine.dispose()
    assert errors == []

    db.session.expire_all()
    assert summaries.differences() == []
    assert db.session.scalar(sa.select(sa.func.sum(summary_appeals.S.c.appeals))) == \
        db.session.scalar(sa.select(sa.func.count(Appeal.id))) > 0
    raw = {h: (c.compliant, c.total) for h, c in compliance.homes(2026).items() if c.total}
    assert {h: (c.compliant, c.total) for h, c in dashboard.compliance_homes(
        dashboard.Scope(year=2026)).items()} == raw


def test_a_change_waiting_behind_a_move_holds_no_summary_row(db):
    """The deadlock once seen among the 20 writers above, step by step. C has referenced
    representative X (as inserting X's new appeal does) and has yet to count it in the Home's
    appeal summary; B, moving X, waits for C; A resolves another appeal of X in the same Home and
    year. A must queue behind B before it holds the summary row C needs next — otherwise C waits
    for A, A (notifying X) behind B, B for C, and PostgreSQL aborts one of them."""
    home = f.home()
    admin = f.admin()
    rep = f.representative(home)
    appeal = f.appeal(rep, content="待办结的诉求")
    db.session.commit()
    row = summary_appeals.appeal_part(appeal)
    ids = {"rep": rep.id, "admin": admin.id, "appeal": appeal.id}
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 4, "max_overflow": 2})
    errors, done = [], {}

    def mover():  # B: the move's first step, the representative's row FOR UPDATE
        try:
            with app.app_context(), _db.engine.connect() as conn:
                conn.execute(sa.text("SET LOCAL lock_timeout = '20s'"))
                conn.execute(sa.select(User.id).where(User.id == ids["rep"]).with_for_update())
                done["B"] = time.monotonic()
                conn.rollback()
        except Exception as error:
            errors.append(("B", repr(error)))

    def resolver():  # A: the office resolves X's earlier appeal (and notifies X)
        try:
            with app.app_context():
                _db.session.execute(sa.text("SET lock_timeout = '20s'"))
                appeal_service.change_status(_db.session.get(User, ids["admin"]),
                                             _db.session.get(Appeal, ids["appeal"]),
                                             {"status": "resolved", "response": "已答复"})
                _db.session.commit()
                done["A"] = time.monotonic()
                _db.session.remove()
        except Exception as error:
            errors.append(("A", repr(error)))

    with app.app_context(), _db.engine.connect() as c:
        c.execute(sa.text("SET LOCAL lock_timeout = '20s'"))
        # C: X referenced (the foreign-key check of an insert takes this very lock)
        c.execute(sa.select(User.id).where(User.id == ids["rep"]).with_for_update(key_share=True))
        b = threading.Thread(target=mover)
        b.start()
        time.sleep(0.5)                      # B now waits for C
        a = threading.Thread(target=resolver)
        a.start()
        time.sleep(1.0)                      # A has gone as far as it can
        try:  # C counts its appeal in the row A would hold: it must not wait for anyone
            c.execute(sa.text("SET LOCAL lock_timeout = '2s'"))
            t = AppealSummary.__table__
            c.execute(sa.update(t)
                      .where(*[t.c[k] == v for k, v in
                               zip(("home_id", "year", "status", "days"), row, strict=True)])
                      .values(appeals=t.c.appeals))
            c.commit()
            done["C"] = time.monotonic()
        except Exception as error:
            errors.append(("C", repr(error)))
            c.rollback()
        b.join(timeout=30)
        a.join(timeout=30)
    with app.app_context():
        _db.engine.dispose()
    assert errors == []                          # no deadlock, no lock timeout for C
    assert set(done) == {"A", "B", "C"} and done["B"] < done["A"]   # the move, then the change
    db.session.expire_all()
    assert db.session.get(Appeal, ids["appeal"]).status.value == "resolved"
