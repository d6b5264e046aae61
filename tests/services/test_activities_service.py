"""Activities service: validation edges, transitions, permissions, audit, contacts (SPEC §3, §5.1)."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from models import Activity, AuditLog, ContactRecord, Notification
from models.enums import ActivityStatus
from services import activities as service
from services.clock import today
from services.errors import Conflict, Forbidden, ValidationFailed
from tests.support import factories as f

S = ActivityStatus


def payload(**kw):
    data = {"theme": "window", "kind": "exchange", "title": "座谈会", "date": "2026-03-01",
            "location": "南京", "mode": "offline", "participants": 12, "summary": "交流科研经费问题",
            "published": False, "worker_ids": [], "co_organizer_ids": []}
    data.update(kw)
    return data


def errors_of(callable_, *args, **kwargs):
    with pytest.raises(ValidationFailed) as info:
        callable_(*args, **kwargs)
    db.session.rollback()
    return info.value.fields


def contacts_of(activity_id):
    return list(db.session.scalars(sa.select(ContactRecord).where(
        ContactRecord.activity_id == activity_id).order_by(ContactRecord.worker_id)))


# ------------------------------------------------------------------ validation edges

@pytest.mark.parametrize("field,good,bad", [
    ("title", "题" * 200, "题" * 201),
    ("summary", "文" * 10000, "文" * 10001),
    ("location", "地" * 200, "地" * 201),
    ("participants", 100000, 100001),
    ("participants", 0, -1),
    ("date", "2000-01-01", "1999-12-31"),
])
def test_field_limits_at_their_edges(world, field, good, bad):
    activity = service.create_activity(world.rep_a, payload(**{field: good}))
    assert getattr(activity, field) is not None
    db.session.commit()
    fields = errors_of(service.create_activity, world.rep_a, payload(**{field: bad}))
    assert list(fields) == [field]
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 1


def test_date_today_ok_tomorrow_refused(world):
    assert service.create_activity(world.rep_a, payload(date=today().isoformat())).date == today()
    db.session.commit()
    fields = errors_of(service.create_activity, world.rep_a,
                       payload(date=(today() + timedelta(days=1)).isoformat()))
    assert "date" in fields and "不能晚于" in fields["date"][0]


@pytest.mark.parametrize("field", ["title", "summary"])
def test_empty_title_or_summary_refused(world, field):
    fields = errors_of(service.create_activity, world.rep_a, payload(**{field: "   "}))
    assert field in fields and "请填写" in fields[field][0]


def test_kind_not_of_theme(world):
    fields = errors_of(service.create_activity, world.rep_a, payload(theme="party_building", kind="salon"))
    assert list(fields) == ["kind"]
    assert "不属于主题" in fields["kind"][0]


def test_other_kind_belongs_to_every_theme(world):
    for theme in ("party_building", "window", "neighborhood", "innovation"):
        assert service.create_activity(world.rep_a, payload(theme=theme, kind="other")).kind == "other"


@pytest.mark.parametrize("field,value", [("theme", "sports"), ("mode", "telepathy"),
                                         ("kind", "dance"), ("participants", "many"),
                                         ("date", "2026-02-30"), ("published", [1])])
def test_unknown_values_refused(world, field, value):
    fields = errors_of(service.create_activity, world.rep_a, payload(**{field: value}))
    assert field in fields


def test_all_bad_fields_named_at_once_and_nothing_written(world):
    fields = errors_of(service.create_activity, world.rep_a, payload(
        theme="x", title="", summary="", date="1999-01-01", mode="x", participants=-5,
        location="l" * 201, worker_ids=[999999], co_organizer_ids=[999998]))
    assert set(fields) == {"theme", "title", "summary", "date", "mode", "participants", "location",
                           "worker_ids", "co_organizer_ids"}
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))) == 0


def test_worker_must_be_linked_by_the_representative(world):
    mine = f.worker(linked_by=world.rep_a)
    colleague = f.worker(linked_by=world.rep_a2)
    db.session.commit()
    fields = errors_of(service.create_activity, world.rep_a, payload(worker_ids=[mine.id, colleague.id]))
    assert list(fields) == ["worker_ids"] and str(colleague.id) in fields["worker_ids"][0]
    activity = service.create_activity(world.rep_a, payload(worker_ids=[mine.id]))
    assert [w.id for w in activity.workers] == [mine.id]


def test_manager_organiser_may_link_workers_of_the_homes_representatives(world):
    of_home = f.worker(linked_by=world.rep_a2)
    of_other_home = f.worker(linked_by=world.rep_b)
    db.session.commit()
    fields = errors_of(service.create_activity, world.manager_a, payload(worker_ids=[of_other_home.id]))
    assert list(fields) == ["worker_ids"]
    activity = service.create_activity(world.manager_a, payload(worker_ids=[of_home.id]))
    assert activity.home_id == world.home_a.id and activity.organizer_id == world.manager_a.id


def test_co_organisers_active_representatives_of_any_home(world):
    inactive = f.representative(world.home_b, active=False)
    db.session.commit()
    for bad in (inactive.id, world.manager_a.id, world.manager_b.id, world.rep_a.id, 999999):
        fields = errors_of(service.create_activity, world.rep_a, payload(co_organizer_ids=[bad]))
        assert list(fields) == ["co_organizer_ids"], bad
    activity = service.create_activity(world.rep_a, payload(
        co_organizer_ids=[world.rep_a2.id, world.rep_b.id]))
    assert [u.id for u in activity.co_organizers] == [world.rep_a2.id, world.rep_b.id]
    assert activity.home_id == world.home_a.id  # a joint activity belongs to its organiser's Home


def test_admin_may_not_create(world):
    with pytest.raises(Forbidden):
        service.create_activity(world.admin, payload())


# ------------------------------------------------------------------ transitions

def test_draft_submitted_verified(world):
    activity = service.create_activity(world.rep_a, payload(), submit=False)
    assert activity.status == S.DRAFT
    service.submit_activity(world.rep_a, activity)
    assert activity.status == S.SUBMITTED and activity.submitted_at is not None
    service.review_activity(world.manager_a, activity, "verify")
    assert activity.status == S.VERIFIED and activity.verifier_id == world.manager_a.id
    actions = list(db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "activities").order_by(AuditLog.id)))
    assert actions == ["create", "submit", "verify"]


def test_submitted_returned_edited_submitted(world):
    activity = service.create_activity(world.rep_a, payload())
    with pytest.raises(ValidationFailed) as info:
        service.review_activity(world.manager_a, activity, "return", "  ")
    assert "comment" in info.value.fields
    service.review_activity(world.manager_a, activity, "return", "请补充照片")
    assert activity.status == S.RETURNED and activity.review_comment == "请补充照片"
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == world.rep_a.id))
    assert note is not None and "请补充照片" in note.body
    service.update_activity(world.rep_a, activity, {"title": "座谈会（补充）"})
    assert activity.status == S.RETURNED
    service.update_activity(world.rep_a, activity, {}, submit=True)
    assert activity.status == S.SUBMITTED
    service.review_activity(world.admin, activity, "verify")
    assert activity.status == S.VERIFIED


@pytest.mark.parametrize("status", [S.DRAFT, S.RETURNED, S.VERIFIED])
def test_only_submitted_can_be_reviewed(world, status):
    activity = f.activity(world.rep_a, status=status)
    with pytest.raises(Conflict):
        service.review_activity(world.manager_a, activity, "verify")


def test_review_roles(world):
    activity = f.activity(world.rep_a)
    with pytest.raises(Forbidden):
        service.review_activity(world.rep_a, activity, "verify")
    with pytest.raises(Forbidden):
        service.review_activity(world.manager_b, activity, "verify")
    with pytest.raises(ValidationFailed) as info:
        service.review_activity(world.manager_a, activity, "maybe")
    assert "decision" in info.value.fields


def test_verified_is_frozen_except_for_admin_whose_edit_is_audited(world):
    activity = f.activity(world.rep_a, status=S.VERIFIED)
    for user in (world.rep_a, world.manager_a):
        with pytest.raises(Forbidden):
            service.update_activity(user, activity, {"title": "改"})
    with pytest.raises(Forbidden):
        service.delete_activity(world.rep_a, activity)
    service.update_activity(world.admin, activity, {"title": "省科协更正"})
    assert activity.title == "省科协更正" and activity.status == S.VERIFIED
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "admin_edit_verified"))
    assert entry.actor_id == world.admin.id
    assert entry.before["title"] == "科技工作者座谈会" and entry.after["title"] == "省科协更正"


def test_who_may_edit(world):
    activity = service.create_activity(world.rep_a, payload(co_organizer_ids=[world.rep_a2.id]))
    with pytest.raises(Forbidden):
        service.update_activity(world.rep_a2, activity, {"title": "co-organiser"})
    service.update_activity(world.manager_a, activity, {"title": "管理员修改"})
    assert activity.title == "管理员修改"
    with pytest.raises(Forbidden):
        service.update_activity(world.manager_b, activity, {"title": "x"})


def test_edit_validates_merged_fields(world):
    activity = service.create_activity(world.rep_a, payload())
    fields = errors_of(service.update_activity, world.rep_a, activity, {"kind": "salon"})
    assert list(fields) == ["kind"]


def test_delete_rules(world):
    submitted = f.activity(world.rep_a)
    with pytest.raises(Forbidden):
        service.delete_activity(world.rep_a2, submitted)
    service.delete_activity(world.rep_a, submitted)
    verified = f.activity(world.rep_a, status=S.VERIFIED)
    service.delete_activity(world.manager_a, verified)
    other = f.activity(world.rep_a, status=S.VERIFIED)
    service.delete_activity(world.admin, other)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "delete")) == 3


def test_submit_only_from_draft_or_returned(world):
    activity = f.activity(world.rep_a)
    with pytest.raises(Conflict):
        service.submit_activity(world.rep_a, activity)
    draft = f.activity(world.rep_a, status=S.DRAFT)
    with pytest.raises(Forbidden):
        service.submit_activity(world.rep_a2, draft)


def test_bulk_verify(world):
    a1 = f.activity(world.rep_a)
    a2 = f.activity(world.rep_a2)
    draft = f.activity(world.rep_a, status=S.DRAFT)
    foreign = f.activity(world.rep_b)
    db.session.commit()
    done, skipped = service.verify_activities(world.manager_a, [a1.id, a2.id, draft.id, foreign.id, "x"])
    db.session.commit()
    assert sorted(a.id for a in done) == sorted([a1.id, a2.id])
    assert sorted(skipped) == sorted([draft.id, foreign.id])
    assert db.session.get(Activity, foreign.id).status == S.SUBMITTED
    assert db.session.get(Activity, draft.id).status == S.DRAFT
    with pytest.raises(Forbidden):
        service.verify_activities(world.rep_a, [a1.id])


# ------------------------------------------------------------------ contacts (SPEC §5.1)

def test_contacts_follow_the_activity(world):
    w1 = f.worker(linked_by=world.rep_a)
    w2 = f.worker(linked_by=world.rep_a)
    db.session.commit()
    activity = service.create_activity(world.rep_a, payload(worker_ids=[w1.id, w2.id]), submit=False)
    assert contacts_of(activity.id) == []  # a draft creates none
    service.submit_activity(world.rep_a, activity)
    records = contacts_of(activity.id)
    assert [(r.worker_id, r.representative_id, r.date, r.channel) for r in records] == [
        (w1.id, world.rep_a.id, date(2026, 3, 1), "activity"),
        (w2.id, world.rep_a.id, date(2026, 3, 1), "activity")]
    service.update_activity(world.rep_a, activity, {"date": "2026-02-10", "worker_ids": [w2.id]})
    assert [(r.worker_id, r.date) for r in contacts_of(activity.id)] == [(w2.id, date(2026, 2, 10))]
    service.review_activity(world.manager_a, activity, "return", "补充材料")
    assert contacts_of(activity.id) == []  # returned: no longer counts
    service.submit_activity(world.rep_a, activity)
    service.review_activity(world.manager_a, activity, "verify")
    assert len(contacts_of(activity.id)) == 1
    activity_id = activity.id
    service.delete_activity(world.admin, activity)
    db.session.commit()
    assert contacts_of(activity_id) == []


def test_back_to_draft_removes_contacts(world):
    w1 = f.worker(linked_by=world.rep_a)
    db.session.commit()
    activity = service.create_activity(world.rep_a, payload(worker_ids=[w1.id]))
    assert len(contacts_of(activity.id)) == 1
    service.update_activity(world.rep_a, activity, {}, submit=False)
    assert activity.status == S.DRAFT and contacts_of(activity.id) == []


def test_contacts_count_for_compliance(world):
    from services import compliance
    workers = [f.worker(linked_by=world.rep_a) for _ in range(5)]
    db.session.commit()
    activity = service.create_activity(world.rep_a, payload(worker_ids=[w.id for w in workers[:4]]))
    db.session.commit()
    assert compliance.contacted_count(world.rep_a.id, 2026) == 4
    service.update_activity(world.rep_a, activity, {"worker_ids": [w.id for w in workers]})
    db.session.commit()
    assert compliance.contacted_count(world.rep_a.id, 2026) == 5
    service.delete_activity(world.rep_a, activity)
    db.session.commit()
    assert compliance.contacted_count(world.rep_a.id, 2026) == 0


def test_every_change_is_audited(world):
    activity = service.create_activity(world.rep_a, payload(), submit=False)
    service.update_activity(world.rep_a, activity, {"title": "新名称"})
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "update"))
    assert entry.before["title"] == "座谈会" and entry.after["title"] == "新名称"
    assert entry.object_id == activity.id


# ------------------------------------------------------------------ what create writes

def test_create_writes_the_links_it_answers_with(world):
    """The new row and its links are written with plain INSERTs (services/activities/inputs.py,
    insert_new): what the returned object holds is what the tables hold."""
    from models.activity import activity_co_organizers, activity_workers
    w1, w2 = f.worker(linked_by=world.rep_a), f.worker(linked_by=world.rep_a)
    db.session.commit()
    activity = service.create_activity(world.rep_a, payload(worker_ids=[w2.id, w1.id],
                                                   co_organizer_ids=[world.rep_a2.id]))
    assert [w.id for w in activity.workers] == [w2.id, w1.id]
    assert [u.id for u in activity.co_organizers] == [world.rep_a2.id]
    assert activity.attachments == [] and activity.status == S.SUBMITTED
    assert activity.submitted_at is not None and activity.created_at is not None
    assert sa.inspect(activity).persistent and not db.session.dirty
    db.session.commit()
    assert set(db.session.execute(sa.select(activity_workers.c.activity_id,
                                            activity_workers.c.worker_id))) == {
        (activity.id, w1.id), (activity.id, w2.id)}
    assert list(db.session.execute(sa.select(activity_co_organizers.c.activity_id,
                                             activity_co_organizers.c.user_id))) == [
        (activity.id, world.rep_a2.id)]
    assert [r.worker_id for r in contacts_of(activity.id)] == sorted([w1.id, w2.id])
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "create"))
    assert entry.object_id == activity.id and entry.actor_id == world.rep_a.id
    assert entry.after["worker_ids"] == sorted([w1.id, w2.id])
    assert entry.after["co_organizer_ids"] == [world.rep_a2.id]
    assert entry.after["status"] == "submitted" and entry.after["title"] == "座谈会"
    db.session.expire_all()  # and read back from the database, the same
    again = db.session.get(Activity, activity.id)
    assert sorted(w.id for w in again.workers) == sorted([w1.id, w2.id])
    assert [u.id for u in again.co_organizers] == [world.rep_a2.id]


def test_created_activity_reads_its_collections_without_a_query(world, statement_counter):
    w1 = f.worker(linked_by=world.rep_a)
    db.session.commit()
    activity = service.create_activity(world.rep_a, payload(worker_ids=[w1.id]))
    with statement_counter() as statements:
        assert [w.id for w in activity.workers] == [w1.id]
        assert activity.co_organizers == [] and activity.attachments == []
        assert activity.title == "座谈会" and activity.id is not None
    assert statements == []


def test_draft_created_then_edited_keeps_its_links(world):
    """A row written by insert_new goes on through the unit of work like any other."""
    w1, w2 = f.worker(linked_by=world.rep_a), f.worker(linked_by=world.rep_a)
    db.session.commit()
    activity = service.create_activity(world.rep_a, payload(worker_ids=[w1.id]), submit=False)
    db.session.commit()
    service.update_activity(world.rep_a, activity, {"worker_ids": [w1.id, w2.id],
                                           "co_organizer_ids": [world.rep_a2.id]}, submit=True)
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Activity, activity.id)
    assert sorted(w.id for w in again.workers) == sorted([w1.id, w2.id])
    assert [u.id for u in again.co_organizers] == [world.rep_a2.id]
    assert [r.worker_id for r in contacts_of(activity.id)] == sorted([w1.id, w2.id])


def test_crlf_stored_as_lf_in_every_text_field(world):
    activity = service.create_activity(world.rep_a, payload(title="第一行\r\n第二行", location="南京\r\n鼓楼",
                                                   summary="甲\r\n乙"))
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Activity, activity.id)
    assert (again.title, again.location, again.summary) == ("第一行\n第二行", "南京\n鼓楼", "甲\n乙")


def test_manager_links_a_worker_two_representatives_keep_once(world):
    shared = f.worker(linked_by=world.rep_a)
    f.link(world.rep_a2, shared)
    db.session.commit()
    activity = service.create_activity(world.manager_a, payload(worker_ids=[shared.id]))
    assert [w.id for w in activity.workers] == [shared.id]
    assert [r.worker_id for r in contacts_of(activity.id)] == [shared.id]


def test_submit_checks_the_stored_draft_again(world):
    """A draft whose stored values no longer pass (here a title emptied outside the form) is not
    submitted: the re-check names the field and nothing changes."""
    activity = service.create_activity(world.rep_a, payload(), submit=False)
    db.session.commit()
    db.session.execute(sa.update(Activity).where(Activity.id == activity.id).values(title=""))
    db.session.commit()
    db.session.expire_all()
    activity = db.session.get(Activity, activity.id)
    fields = errors_of(service.submit_activity, world.rep_a, activity)
    assert list(fields) == ["title"]
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).status == S.DRAFT
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "submit")) == 0
