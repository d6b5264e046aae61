"""The pieces behind the race rules, one request at a time (both databases): one renewal per
published result, the row lock re-reading what it guards, and a vanished row answering 409."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Activity, Assessment, AuditLog, Home
from models.enums import ActivityStatus, AssessmentStatus, Grade
from services import activities, homes
from services.concurrency import lock
from services.errors import Conflict
from tests.support import factories as f


def _published(home, year, grade=Grade.GOOD):
    a = Assessment(home_id=home.id, year=year, status=AssessmentStatus.PUBLISHED, grade=grade,
                   total=Decimal("80"), publicity_start=date(year + 1, 1, 10),
                   publicity_end=date(year + 1, 1, 16))
    _db.session.add(a)
    _db.session.flush()
    return a


def test_one_renewal_per_published_result(world, api):
    _published(world.home_a, 2025)
    _db.session.commit()
    admin = api(world.admin)
    path = f"/homes/{world.home_a.id}/renew"
    first = admin.post(path)
    assert first.status_code == 200 and first.get_json()["expires_on"] == "2029-01-10"
    second = admin.post(path)
    assert second.status_code == 409
    assert "已依据2025年度考核结果续期" in second.get_json()["error"]["message"]
    assert _db.session.get(Home, world.home_a.id).expires_on == date(2029, 1, 10)
    _published(world.home_a, 2026)  # a new result: a new renewal may rest on it
    _db.session.commit()
    assert admin.post(path).get_json()["expires_on"] == "2031-01-10"
    assert len(_db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "renew")).all()) \
        == 2


def test_homes_page_offers_renewal_only_once_per_result(world, login):
    _published(world.home_a, 2025)
    _db.session.commit()
    client = login(world.admin)
    button = f'action="/province/homes/{world.home_a.id}/renew"'
    assert button in client.get("/province/homes").get_data(as_text=True)
    assert client.post(f"/province/homes/{world.home_a.id}/renew").status_code == 302
    assert button not in client.get("/province/homes").get_data(as_text=True)


def test_lock_rereads_the_row_and_its_loaded_relations(world):
    activity = f.activity(world.rep_a)
    worker = f.worker(linked_by=world.rep_a)
    activity.workers = [worker]
    _db.session.commit()
    assert activity.status == ActivityStatus.SUBMITTED and activity.workers[0].name
    # another request changes the row and the worker behind the session's back
    _db.session.execute(sa.update(Activity).where(Activity.id == activity.id)
                        .values(status=ActivityStatus.VERIFIED)
                        .execution_options(synchronize_session=False))
    _db.session.execute(sa.text("UPDATE workers SET name = '改名' WHERE id = :id"),
                        {"id": worker.id})
    assert activity.status == ActivityStatus.SUBMITTED  # stale until locked
    assert lock(activity) is activity
    assert activity.status == ActivityStatus.VERIFIED
    assert activity.workers[0].name == "改名"


def test_lock_keeps_changes_made_before_it(world):
    activity = f.activity(world.rep_a)
    _db.session.commit()
    activity.title = "锁前修改"
    lock(activity)
    assert activity.title == "锁前修改"


def test_a_row_deleted_meanwhile_answers_conflict_and_writes_nothing(world):
    activity = f.activity(world.rep_a)
    _db.session.commit()
    audit_before = _db.session.scalar(sa.select(sa.func.count(AuditLog.id)))
    _db.session.execute(sa.delete(Activity).where(Activity.id == activity.id)
                        .execution_options(synchronize_session=False))
    with pytest.raises(Conflict) as caught:
        activities.review_activity(world.manager_a, activity, "verify")
    assert caught.value.status == 409 and "已被其他操作删除" in caught.value.message
    assert _db.session.scalar(sa.select(sa.func.count(AuditLog.id))) == audit_before


def test_renewal_problem_names_the_earlier_renewal(world):
    _published(world.home_a, 2025)
    world.home_a.renewed_for_year = 2025
    assert "2025年度" in homes.renewal_problem(world.home_a)
    world.home_a.renewed_for_year = 2024
    assert homes.renewal_problem(world.home_a) is None
