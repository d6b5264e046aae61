# ruff: noqa: F811  (the fixtures of tests/support/signin.py are imported, then requested by name)
"""On-site sign-in (SPEC §5.9) at the service level: opening and its window in Asia/Shanghai,
signing in (mobiles written five ways, the honeypot, closed and unknown codes), SPEC §3's identity
rule for worker attendees, the §5.1 contact records, masking, 代签, the audit and the retention."""
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from models import ActivitySignin, Attendee, AuditLog, ContactRecord, Worker, WorkerLink
from models.enums import ActivityStatus
from services import activities, compliance, signin
from services.clock import SHANGHAI
from services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.support import factories as f
from tests.support.signin import clock, event  # noqa: F401

S = ActivityStatus


def person(name="王小明", mobile="13912345678", **kw):
    return {"name": name, "mobile": mobile, **kw}


def opened(event, who):
    row, created = signin.open_signin(who, event)
    db.session.commit()
    return row


# ---------------------------------------------------------------- opening

def test_organiser_co_organiser_and_manager_open_and_get_the_same_code(world, event, clock):
    row, created = signin.open_signin(world.rep_a, event)
    assert created and len(row.code) >= 8 and row.code.isalnum()
    assert row.closes_at == datetime(2026, 12, 7, 23, 59, 59, tzinfo=SHANGHAI)
    db.session.commit()
    for who in (world.rep_a2, world.manager_a, world.rep_a):
        again, created = signin.open_signin(who, event)
        assert not created and again.code == row.code
        db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ActivitySignin.id))) == 1


def test_the_admin_may_not_open_or_close(world, event):
    with pytest.raises(Forbidden):
        signin.open_signin(world.admin, event)
    with pytest.raises(Forbidden):
        signin.close_signin(world.admin, event)


def test_only_today_and_only_draft_or_submitted(world, event, clock):
    event.date = clock.today - timedelta(days=1)
    db.session.commit()
    with pytest.raises(Conflict, match="活动当天"):
        signin.open_signin(world.rep_a, event)
    db.session.rollback()
    event.date = clock.today
    for status in (S.VERIFIED, S.RETURNED):
        event.status = status
        db.session.commit()
        with pytest.raises(Conflict, match="草稿或待审核"):
            signin.open_signin(world.rep_a, event)
        db.session.rollback()
    event.status = S.SUBMITTED
    db.session.commit()
    assert signin.open_signin(world.rep_a, event)[1]


def test_the_day_is_the_day_in_shanghai(world, event, clock):
    # 23:30 UTC on 6 December is 07:30 on 7 December in Shanghai: the activity's day.
    clock.set(datetime(2026, 12, 6, 23, 30, tzinfo=UTC))
    assert clock.today == date(2026, 12, 7)
    row = opened(event, world.rep_a)
    assert signin.is_open(row)
    # 16:00 UTC on 7 December is midnight in Shanghai: 8 December, sign-in has ended.
    clock.set(datetime(2026, 12, 8, 0, 0, tzinfo=SHANGHAI))
    assert not signin.is_open(row)
    with pytest.raises(Conflict, match="签到已结束"):
        signin.sign_in(row.code, person())
    db.session.rollback()
    with pytest.raises(Conflict, match="活动当天"):
        signin.open_signin(world.rep_a, event)


def test_window_edges(world, event, clock):
    row = opened(event, world.rep_a)
    clock.set(datetime(2026, 12, 7, 23, 59, 59, tzinfo=SHANGHAI))
    assert signin.sign_in(row.code, person(mobile="13900000001")).created
    db.session.commit()
    clock.set(datetime(2026, 12, 7, 23, 59, 59, 500000, tzinfo=SHANGHAI))
    with pytest.raises(Conflict, match="签到已结束"):
        signin.sign_in(row.code, person(mobile="13900000002"))


def test_closes_at_given_not_later_than_the_day_and_after_now(world, event, clock):
    with pytest.raises(ValidationFailed) as bad:
        signin.open_signin(world.rep_a, event, "2026-12-08T00:30")
    assert "closes_at" in bad.value.fields
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        signin.open_signin(world.rep_a, event, "2026-12-07T09:00")  # before now (10:00)
    db.session.rollback()
    with pytest.raises(ValidationFailed):
        signin.open_signin(world.rep_a, event, "noon")
    db.session.rollback()
    row, _ = signin.open_signin(world.rep_a, event, "2026-12-07T12:00")
    db.session.commit()
    assert row.closes_at == datetime(2026, 12, 7, 12, 0, tzinfo=SHANGHAI)
    clock.set(datetime(2026, 12, 7, 12, 0, 1, tzinfo=SHANGHAI))
    with pytest.raises(Conflict, match="签到已结束"):
        signin.sign_in(row.code, person())


def test_close_then_reopen_the_same_day_keeps_the_code(world, event, clock):
    row = opened(event, world.rep_a)
    signin.sign_in(row.code, person())
    db.session.commit()
    signin.close_signin(world.manager_a, event)
    db.session.commit()
    with pytest.raises(Conflict, match="签到已结束"):
        signin.sign_in(row.code, person(mobile="13911112222"))
    db.session.rollback()
    again, created = signin.open_signin(world.rep_a2, event)
    db.session.commit()
    assert not created and again.code == row.code and signin.is_open(again)
    assert signin.sign_in(row.code, person(mobile="13911112222")).attendee_no == 2


def test_close_without_opening_is_409_and_closing_twice_writes_one_entry(world, event):
    with pytest.raises(Conflict):
        signin.close_signin(world.rep_a, event)
    db.session.rollback()
    row = opened(event, world.rep_a)
    signin.sign_in(row.code, person(is_worker=True))
    signin.sign_in(row.code, person("李四", "13800001111"))
    db.session.commit()
    signin.close_signin(world.rep_a, event)
    signin.close_signin(world.rep_a, event)
    db.session.commit()
    entries = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "signin_close")).all()
    assert len(entries) == 1
    assert entries[0].detail["attendees"] == 2 and entries[0].detail["workers"] == 1
    assert entries[0].detail["new_workers"] == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))
                             .where(AuditLog.action == "signin_open")) == 1


# ---------------------------------------------------------------- signing in

def test_unknown_code_is_404(world, event):
    with pytest.raises(NotFound):
        signin.sign_in("NOSUCHCODE", person())
    with pytest.raises(NotFound):
        signin.sign_in("", person())


def test_the_same_mobile_written_five_ways_is_one_attendee(world, event):
    row = opened(event, world.rep_a)
    ways = ["13912345678", "+86 139 1234 5678", "139-1234-5678", "１３９１２３４５６７８",
            "+86-139 1234-5678"]
    results = []
    for way in ways:
        results.append(signin.sign_in(row.code.lower(), person(mobile=way)))
        db.session.commit()
    assert [r.created for r in results] == [True, False, False, False, False]
    assert {r.attendee_no for r in results} == {1}
    assert results[0].activity_title == "青年科技工作者座谈会"
    rows = db.session.scalars(sa.select(Attendee)).all()
    assert [(a.mobile, a.attendee_no) for a in rows] == [("13912345678", 1)]


def test_numbers_follow_the_order_of_signing_in(world, event):
    row = opened(event, world.rep_a)
    numbers = [signin.sign_in(row.code, person(f"人{i}", f"1390000{i:04d}")).attendee_no
               for i in range(5)]
    assert numbers == [1, 2, 3, 4, 5]


def test_bad_fields_are_named(world, event):
    row = opened(event, world.rep_a)
    with pytest.raises(ValidationFailed) as bad:
        signin.sign_in(row.code, {"name": " ", "mobile": "010-12345678", "work_unit": "单" * 101})
    assert set(bad.value.fields) == {"name", "mobile", "work_unit"}
    with pytest.raises(ValidationFailed) as bad:
        signin.sign_in(row.code, {"name": "甲"})
    assert "mobile" in bad.value.fields
    with pytest.raises(ValidationFailed) as bad:
        signin.sign_in(row.code, {"name": "甲", "mobile": "13900000000", "is_worker": [1]})
    assert "is_worker" in bad.value.fields


def test_honeypot_is_answered_as_accepted_and_stores_nothing(world, event):
    row = opened(event, world.rep_a)
    result = signin.sign_in(row.code, person(website="http://spam"))
    assert result.created and result.attendee_no == 1
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 0


# ---------------------------------------------------------------- worker attendees (SPEC §3)

def test_a_new_worker_is_created_and_linked_to_the_organiser(world, event):
    row = opened(event, world.rep_a)
    signin.sign_in(row.code, person(work_unit="东南大学", field="土木", is_worker=True))
    db.session.commit()
    worker = db.session.scalar(sa.select(Worker).where(Worker.mobile == "13912345678"))
    assert worker.name == "王小明" and worker.work_unit == "东南大学"
    assert [w.id for w in event.workers] == [worker.id]
    assert db.session.get(WorkerLink, (world.rep_a.id, worker.id)) is not None
    attendee = db.session.scalar(sa.select(Attendee))
    assert attendee.worker_id == worker.id and attendee.worker_note == "created"


def test_a_non_worker_links_nothing(world, event):
    row = opened(event, world.rep_a)
    signin.sign_in(row.code, person())
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Worker.id))) == 0
    assert event.workers == []


def test_a_worker_of_another_home_is_linked_and_never_overwritten(world, event):
    other = f.worker(linked_by=world.rep_b, name="古丽米热・艾比布力", work_unit="苏州大学",
                     field="化学", mobile="13955556666", email="g@example.cn")
    db.session.commit()
    row = opened(event, world.rep_a)
    signin.sign_in(row.code, person("古丽米热 · 艾比布力", "+86 139 5555 6666",
                                    work_unit="另一个单位", field="物理", is_worker=True))
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Worker, other.id)
    assert (kept.name, kept.work_unit, kept.field, kept.email) == (
        "古丽米热・艾比布力", "苏州大学", "化学", "g@example.cn")
    assert db.session.get(WorkerLink, (world.rep_a.id, other.id)) is not None
    assert db.session.get(WorkerLink, (world.rep_b.id, other.id)) is not None
    assert [w.id for w in db.session.get(type(event), event.id).workers] == [other.id]
    # The attendance shows what the attendee typed, nothing of the stored worker.
    data = signin.attendance(world.rep_a, event)
    item = data["items"][0]
    assert (item.name, item.work_unit, item.field) == ("古丽米热 · 艾比布力", "另一个单位", "物理")
    assert "苏州大学" not in repr(data) and "g@example.cn" not in repr(data)


def test_a_mobile_under_another_name_links_nothing_and_says_so(world, event):
    stored = f.worker(linked_by=world.rep_b, name="张三", mobile="13977778888")
    db.session.commit()
    row = opened(event, world.rep_a)
    result = signin.sign_in(row.code, person("李四", "13977778888", is_worker=True))
    db.session.commit()
    assert result.created
    assert event.workers == []
    assert db.session.get(WorkerLink, (world.rep_a.id, stored.id)) is None
    attendee = db.session.scalar(sa.select(Attendee))
    assert attendee.worker_id is None and attendee.worker_note == "name_mismatch"
    item = signin.attendance(world.rep_a, event)["items"][0]
    assert "另一姓名" in item.note and "张三" not in repr(item)


def test_a_manager_organiser_links_the_worker_to_the_activity_only(world, clock):
    activity = f.activity(world.manager_a, date=clock.today, status=S.DRAFT)
    db.session.commit()
    row = opened(activity, world.manager_a)
    signin.sign_in(row.code, person(is_worker=True))
    db.session.commit()
    assert len(activity.workers) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkerLink)) == 0


# ---------------------------------------------------------------- contacts (SPEC §5.1)

def test_a_draft_counts_the_contacts_when_submitted(world, event, clock):
    row = opened(event, world.rep_a)
    for i in range(6):
        signin.sign_in(row.code, person(f"科技工作者{i}", f"1371111{i:04d}", is_worker=True))
        db.session.commit()
    signin.sign_in(row.code, person("路人", "13722223333"))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(ContactRecord.id))) == 0
    activities.submit_activity(world.rep_a, event)
    db.session.commit()
    records = db.session.scalars(sa.select(ContactRecord)).all()
    assert len(records) == 6
    assert {(r.representative_id, r.date, r.channel.value) for r in records} == {
        (world.rep_a.id, clock.today, "activity")}
    assert compliance.contacted_count(world.rep_a.id, clock.today.year) == 6
    assert compliance.is_compliant(world.rep_a.id, clock.today.year)


def test_a_submitted_activity_gets_the_contacts_at_sign_in(world, event):
    event.status = S.SUBMITTED
    db.session.commit()
    row = opened(event, world.rep_a)
    signin.sign_in(row.code, person(is_worker=True))
    db.session.commit()
    record = db.session.scalar(sa.select(ContactRecord))
    assert record.representative_id == world.rep_a.id and record.activity_id == event.id


# ---------------------------------------------------------------- attendance and masking

def test_attendance_masks_mobiles_except_for_organiser_and_admin(world, event):
    row = opened(event, world.rep_a)
    signin.sign_in(row.code, person(is_worker=True))
    db.session.commit()
    full = {world.rep_a.id, world.admin.id}
    for who in (world.rep_a, world.admin, world.rep_a2, world.manager_a):
        data = signin.attendance(who, event)
        assert data["count"] == 1 and data["workers"] == 1
        expected = "13912345678" if who.id in full else "139****5678"
        assert data["items"][0].mobile == expected


def test_proxy_by_the_organiser_only_and_marked(world, event):
    row = opened(event, world.rep_a)
    with pytest.raises(Forbidden):
        signin.proxy_sign_in(world.rep_a2, event, {"name": "老李"})
    result = signin.proxy_sign_in(world.rep_a, event, {"name": "老李", "mobile": ""})
    again = signin.proxy_sign_in(world.rep_a, event, {"name": "老张"})
    db.session.commit()
    assert (result.attendee_no, again.attendee_no) == (1, 2)
    items = signin.attendance(world.rep_a, event)["items"]
    assert [i.proxy for i in items] == [True, True] and items[0].mobile == ""
    assert db.session.scalars(sa.select(AuditLog.detail).where(
        AuditLog.action == "signin_proxy").order_by(AuditLog.id)).all() == [
        {"attendee_no": 1}, {"attendee_no": 2}]
    assert signin.sign_in(row.code, person()).attendee_no == 3


def test_counts_and_the_far_above_flag(world, event):
    row = opened(event, world.rep_a)
    for i in range(5):
        signin.sign_in(row.code, person(f"人{i}", f"1380000{i:04d}"))
    db.session.commit()
    other = f.activity(world.rep_a)
    db.session.commit()
    assert signin.counts_for([event.id, other.id]) == {event.id: 5}
    assert signin.far_above(30, 5) and not signin.far_above(12, 5) and not signin.far_above(30, None)
    assert not signin.far_above(None, 5) and not signin.far_above(14, 5)


# ---------------------------------------------------------------- retention

def test_retention_clears_unlinked_attendees_and_summarises_ran_out_signins(world, event, clock, app):
    row = opened(event, world.rep_a)
    signin.sign_in(row.code, person(is_worker=True))
    signin.sign_in(row.code, person("路人", "13722223333", work_unit="某公司"))
    db.session.commit()
    days = app.config["SIGNIN_RETENTION_DAYS"]
    assert days == signin.retention_days() == 180
    clock.set(datetime(2026, 12, 8, 3, 30, tzinfo=SHANGHAI))
    assert signin.clear_expired(clock.today) == {"cleared": 0, "summarised": 1}
    db.session.commit()
    later = clock.today + timedelta(days=days)
    assert signin.clear_expired(later) == {"cleared": 1, "summarised": 0}
    db.session.commit()
    assert signin.clear_expired(later) == {"cleared": 0, "summarised": 0}
    kept, cleared = db.session.scalars(sa.select(Attendee).order_by(Attendee.attendee_no)).all()
    assert kept.name == "王小明" and kept.mobile == "13912345678"
    assert (cleared.name, cleared.mobile, cleared.work_unit) == ("", None, "")
    data = signin.attendance(world.rep_a, event)
    assert data["count"] == 2 and data["items"][1].name == signin.CLEARED
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))
                             .where(AuditLog.action == "signin_close")) == 1


def test_the_job_runs_the_retention(world, event, clock):
    from jobs.runner import run_job
    from models.enums import JobStatus
    opened(event, world.rep_a)
    run = run_job("signin_retention", date(2026, 12, 8))
    assert run.status == JobStatus.SUCCESS, run.error


def test_deleting_the_activity_deletes_its_signin(world, event):
    row = opened(event, world.rep_a)
    signin.sign_in(row.code, person())
    db.session.commit()
    activities.delete_activity(world.rep_a, event)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(ActivitySignin.id))) == 0


def test_the_poster_carries_title_date_address_and_code():
    from tests.support.signin import pdf_text
    poster = signin.Poster(title="青年科技工作者座谈会", day=date(2026, 12, 7), location="南京市鼓楼区",
                           home_name="南京市科协代表之家", url="https://rephome.example.cn/s/ABCDEFGH",
                           code="ABCDEFGH")
    pdf = signin.poster_pdf(poster)
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") == 1
    for part in ("青年科技工作者座谈会", "2026年12月7日", "南京市鼓楼区", "https://rephome.example.cn/s/ABCDEFGH",
                 "签到码：ABCDEFGH"):
        assert part in text
    long = signin.poster_pdf(signin.Poster(**{**poster.__dict__, "title": "标" * 200}))
    assert "标" * 200 not in pdf_text(long) and "…" in pdf_text(long)
