"""Messages that match the work: verifying an activity tells its organiser (once), and reminders
that no longer hold ("尚未达标", "N 天没有开展活动") are marked read when their condition ends."""
from datetime import date, timedelta

import sqlalchemy as sa

from extensions import db as _db
from jobs import compliance_sweep, inactivity_reminder
from models import Notification
from models.enums import ActivityStatus
from services import activities, contacts
from services.clock import today
from tests.support import factories as f

YEAR = today().year


def _notes(user, kind):
    return list(_db.session.scalars(sa.select(Notification).where(
        Notification.user_id == user.id, Notification.kind == kind).order_by(Notification.id)))


def test_verifying_notifies_the_organiser_once(world):
    act = f.activity(world.rep_a, title="科普进社区", status=ActivityStatus.SUBMITTED,
                     date=today() - timedelta(days=3))
    _db.session.commit()
    activities.review_activity(world.manager_a, act, "verify")
    _db.session.commit()
    (note,) = _notes(world.rep_a, "activity_verified")
    assert note.title == "活动已审核通过：科普进社区" and note.read_at is None
    assert note.link == f"/me/activities/{act.id}"
    assert _notes(world.manager_a, "activity_verified") == []


def test_bulk_verify_and_resubmission_notify_each_time(world, login):
    one = f.activity(world.rep_a, title="活动一", date=today() - timedelta(days=3))
    two = f.activity(world.rep_a2, title="活动二", date=today() - timedelta(days=3))
    _db.session.commit()
    activities.verify_activities(world.manager_a, [one.id, two.id])
    _db.session.commit()
    assert len(_notes(world.rep_a, "activity_verified")) == 1
    assert len(_notes(world.rep_a2, "activity_verified")) == 1
    # Returned, fixed, resubmitted and verified again: a second notice for the new submission.
    three = f.activity(world.rep_a, title="活动三", date=today() - timedelta(days=3))
    _db.session.commit()
    activities.review_activity(world.manager_a, three, "return", "请补充照片")
    _db.session.commit()
    assert [n.title for n in _notes(world.rep_a, "activity_returned")] == ["活动被退回：活动三"]
    activities.submit_activity(world.rep_a, three)
    _db.session.commit()
    activities.review_activity(world.manager_a, three, "verify")
    _db.session.commit()
    assert [n.title for n in _notes(world.rep_a, "activity_verified")] == [
        "活动已审核通过：活动一", "活动已审核通过：活动三"]


def test_verify_from_the_queue_page_notifies(world, login):
    act = f.activity(world.rep_a, title="队列中的活动", date=today() - timedelta(days=3))
    _db.session.commit()
    client = login(world.manager_a)
    resp = client.post(f"/manage/activities/{act.id}/verify", data={})
    assert resp.status_code in (302, 303), resp.status_code
    assert len(_notes(world.rep_a, "activity_verified")) == 1
    html = login(world.rep_a).get("/me/").get_data(as_text=True)
    assert 'data-testid="todo-unread-count">1<' in html


def test_reaching_the_rule_marks_contact_reminders_read(world):
    for _ in range(4):
        f.contact(world.rep_a2, f.worker(linked_by=world.rep_a2), date(YEAR, 1, 2))
    _db.session.commit()
    compliance_sweep.run(today())
    contacts.remind_contacts(world.manager_a, world.rep_a2.id)
    _db.session.commit()
    reminders = _notes(world.rep_a2, "compliance_reminder") + _notes(world.rep_a2, "contact_reminder")
    assert len(reminders) == 2 and all(n.read_at is None for n in reminders)
    other = _notes(world.rep_a, "compliance_reminder")
    assert len(other) == 1 and other[0].read_at is None
    # A contact in another year does not reach this year's rule.
    f.contact(world.rep_a2, f.worker(linked_by=world.rep_a2), date(YEAR - 1, 6, 1))
    _db.session.commit()
    assert all(n.read_at is None for n in reminders if _db.session.refresh(n) is None)
    # The fifth worker this year: both reminders are done; rep_a (still below) keeps theirs.
    f.contact(world.rep_a2, f.worker(linked_by=world.rep_a2), date(YEAR, 2, 3))
    _db.session.commit()
    for note in reminders + other:
        _db.session.refresh(note)
    assert all(n.read_at is not None for n in reminders)
    assert other[0].read_at is None


def test_contact_recorded_through_the_service_settles(world):
    worker = f.worker(linked_by=world.rep_a2)
    for _ in range(4):
        f.contact(world.rep_a2, f.worker(linked_by=world.rep_a2), date(YEAR, 1, 2))
    _db.session.commit()
    compliance_sweep.run(today())
    _db.session.commit()
    (note,) = _notes(world.rep_a2, "compliance_reminder")
    contacts.create_contact(world.rep_a2, {"worker_id": worker.id, "date": today().isoformat(),
                                           "channel": "visit", "summary": "走访交流"})
    _db.session.commit()
    _db.session.refresh(note)
    assert note.read_at is not None


def test_recording_an_activity_marks_inactivity_reminders_read(world):
    inactivity_reminder.run(today())
    _db.session.commit()
    (note,) = _notes(world.rep_a, "inactivity_reminder")
    (co_note,) = _notes(world.rep_a2, "inactivity_reminder")
    (other,) = _notes(world.rep_b, "inactivity_reminder")
    data = {"theme": "window", "kind": "exchange", "title": "社区科普讲座",
            "date": (today() - timedelta(days=1)).isoformat(), "location": "南京",
            "mode": "offline", "participants": 30, "summary": "讲解科学用药常识。"}
    draft = activities.create_activity(world.rep_a, data, submit=False)
    _db.session.commit()
    _db.session.refresh(note)
    assert note.read_at is None  # a draft is not an activity yet
    activities.update_activity(world.rep_a, draft, {"co_organizer_ids": [world.rep_a2.id]})
    activities.submit_activity(world.rep_a, draft)
    _db.session.commit()
    for n in (note, co_note, other):
        _db.session.refresh(n)
    assert note.read_at is not None and co_note.read_at is not None
    assert other.read_at is None


def test_an_old_activity_does_not_end_inactivity(world):
    inactivity_reminder.run(today())
    _db.session.commit()
    (note,) = _notes(world.rep_a, "inactivity_reminder")
    data = {"theme": "window", "kind": "exchange", "title": "补记的旧活动",
            "date": (today() - timedelta(days=90)).isoformat(), "location": "南京",
            "mode": "offline", "participants": 30, "summary": "补记。"}
    activities.create_activity(world.rep_a, data)
    _db.session.commit()
    _db.session.refresh(note)
    assert note.read_at is None
