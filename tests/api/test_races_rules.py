"""Check-then-write rules under 20 concurrent requests (PostgreSQL, SPEC §10, issue 11).

Each test starts 20 requests together and expects exactly the outcome one request at a time
would give: one winner, 409 for the others, and no audit entry or notification from a loser.
Without the row locks of services/concurrency.py each of them fails (several winners).
"""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import (
    Activity,
    Appeal,
    Application,
    Assessment,
    AuditLog,
    Home,
    HomePlan,
    Notification,
)
from models.enums import ActivityStatus, AppealStatus, ApplicationStatus, AssessmentStatus, Grade
from services import clock
from tests.support import factories as f
from tests.support.racing import N, api_call, assert_conflicts_named, race, race_app, statuses, token

pytestmark = pytest.mark.postgres
__all__ = ["race_app"]  # the module-scoped fixture, imported for pytest


def _audit(action, object_type, object_id=None) -> list[AuditLog]:
    stmt = sa.select(AuditLog).where(AuditLog.action == action, AuditLog.object_type == object_type)
    if object_id is not None:
        stmt = stmt.where(AuditLog.object_id == object_id)
    return list(_db.session.scalars(stmt.order_by(AuditLog.id)))


def _notes(kind) -> int:
    return _db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.kind == kind))


@pytest.fixture()
def on_day(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 5, 1))


def test_quota_one_two_approvals_at_once(world, race_app, on_day):
    """Quota 1, two submitted applications, 20 approvals at once (two admins, both
    applications): one 200, nineteen 409, one Home, one approval audited and notified."""
    rnd = f.round_(year=2026, quota=1)
    units = [f.unit(), f.unit()]
    apps = [f.application(u, rnd, status=ApplicationStatus.SUBMITTED) for u in units]
    for u in units:
        f.user(f.Role.HOME_MANAGER, unit_id=u.id)
    admin2 = f.admin()
    _db.session.commit()
    tokens = [token(race_app, world.admin), token(race_app, admin2)]
    calls = [api_call("post", f"/applications/{apps[i % 2].id}/review", tokens[i // 10],
                      {"decision": "approve", "opinion": "同意认定"}) for i in range(N)]
    responses = race(race_app, calls)
    assert statuses(responses) == {200: 1, 409: N - 1}
    assert_conflicts_named(responses)
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count(Application.id)).where(
        Application.status == ApplicationStatus.APPROVED)) == 1
    assert _db.session.scalar(sa.select(sa.func.count(Home.id)).where(
        Home.unit_id.in_([u.id for u in units]))) == 1
    assert len(_audit("approve", "applications")) == 1
    assert len(_audit("recognize", "homes")) == 1
    assert _notes("application_approve") == 1


def test_one_application_reviewed_at_once(world, race_app, on_day):
    """20 admins' decisions (reject / return) on one submitted application: one wins."""
    rnd = f.round_(year=2026)
    unit = f.unit()
    f.user(f.Role.HOME_MANAGER, unit_id=unit.id)
    app = f.application(unit, rnd, status=ApplicationStatus.SUBMITTED)
    _db.session.commit()
    bearer = token(race_app, world.admin)
    calls = [api_call("post", f"/applications/{app.id}/review", bearer,
                      {"decision": ("reject", "return")[i % 2], "opinion": f"意见{i}"})
             for i in range(N)]
    responses = race(race_app, calls)
    assert statuses(responses) == {200: 1, 409: N - 1}
    _db.session.expire_all()
    entries = _audit("reject", "applications") + _audit("return", "applications")
    assert len(entries) == 1
    assert _notes("application_reject") + _notes("application_return") == 1


def test_application_submitted_at_once(world, race_app, on_day):
    """20 submits of one draft by its unit's manager: one 200, nineteen 409, admins told once."""
    rnd = f.round_(year=2026)
    app = f.application(world.home_a.unit, rnd, status=ApplicationStatus.DRAFT)
    world.home_a.status = f.HomeStatus.EXPIRED  # an active Home could not submit at all
    _db.session.commit()
    bearer = token(race_app, world.manager_a)
    responses = race(race_app, [api_call("post", f"/applications/{app.id}/submit", bearer)
                                for _ in range(N)])
    assert statuses(responses) == {200: 1, 409: N - 1}
    _db.session.expire_all()
    assert len(_audit("submit", "applications", app.id)) == 1
    assert _notes("application_submitted") == 1  # one admin in the world


def test_activity_reviewed_at_once(world, race_app):
    """20 reviews (verify and return, manager and admin) of one submitted activity: exactly one
    succeeds; one audit entry; a "returned" notification only when the winner returned it."""
    activity = f.activity(world.rep_a)
    _db.session.commit()
    bearers = [token(race_app, world.manager_a), token(race_app, world.admin)]
    calls = [api_call("post", f"/activities/{activity.id}/review", bearers[i % 2],
                      {"decision": ("verify", "return")[(i // 2) % 2], "comment": f"第{i}次审核"})
             for i in range(N)]
    responses = race(race_app, calls)
    assert statuses(responses) == {200: 1, 409: N - 1}
    assert_conflicts_named(responses)
    _db.session.expire_all()
    final = _db.session.get(Activity, activity.id).status
    entries = _audit("verify", "activities") + _audit("return", "activities")
    assert len(entries) == 1 and entries[0].after["status"] == final.value
    assert _notes("activity_returned") == (1 if final == ActivityStatus.RETURNED else 0)


def test_activity_submitted_at_once_from_the_page(world, race_app):
    """20 submits of one draft through the organiser's page: one "submitted", 19 refused."""
    activity = f.activity(world.rep_a, status=ActivityStatus.DRAFT)
    _db.session.commit()
    username, path = world.rep_a.username, f"/me/activities/{activity.id}/submit"

    def login(client):
        resp = client.post("/login", data={"username": username, "password": f.PASSWORD})
        assert resp.status_code == 302

    def submit(client):
        return client.post(path)

    responses = race(race_app, [submit] * N, prepare=login)
    assert statuses(responses) == {302: 1, 303: N - 1}  # 303: back to the activity, refused
    _db.session.expire_all()
    assert len(_audit("submit", "activities", activity.id)) == 1


def test_activity_deleted_at_once(world, race_app):
    """20 deletions of one activity: one 204, nineteen 409, one audit entry."""
    activity_id = f.activity(world.rep_a).id
    _db.session.commit()
    bearer = token(race_app, world.rep_a)
    responses = race(race_app, [api_call("delete", f"/activities/{activity_id}", bearer)
                                for _ in range(N)])
    assert statuses(responses) == {204: 1, 409: N - 1}
    assert_conflicts_named(responses)
    _db.session.expire_all()
    assert _db.session.get(Activity, activity_id) is None
    assert len(_audit("delete", "activities", activity_id)) == 1


def test_activity_edit_racing_review(world, race_app):
    """10 edits by the organiser and 10 verifications at once: one verification wins, and no edit
    is written after it (a verified activity is frozen: those edits answer 403)."""
    activity = f.activity(world.rep_a)
    _db.session.commit()
    rep, manager = token(race_app, world.rep_a), token(race_app, world.manager_a)
    calls = [api_call("patch", f"/activities/{activity.id}", rep, {"title": f"修改{i}"})
             if i % 2 else api_call("post", f"/activities/{activity.id}/review", manager,
                                    {"decision": "verify"}) for i in range(N)]
    responses = race(race_app, calls)
    reviews = statuses(r for i, r in enumerate(responses) if i % 2 == 0)
    assert reviews == {200: 1, 409: N // 2 - 1}
    _db.session.expire_all()
    verified = _audit("verify", "activities", activity.id)[0]
    edits = _audit("update", "activities", activity.id)
    assert all(e.id < verified.id for e in edits)
    assert sum(1 for i, r in enumerate(responses) if i % 2 and r.status_code == 200) == len(edits)


def test_appeal_forwarded_at_once(world, race_app):
    """20 "forward" changes of one received appeal: one 200, nineteen 409, one audit entry."""
    appeal = f.appeal(world.rep_a)
    _db.session.commit()
    bearers = [token(race_app, world.manager_a), token(race_app, world.admin)]
    responses = race(race_app, [api_call("patch", f"/appeals/{appeal.id}", bearers[i % 2],
                                         {"status": "forwarded"}) for i in range(N)])
    assert statuses(responses) == {200: 1, 409: N - 1}
    _db.session.expire_all()
    assert _db.session.get(Appeal, appeal.id).status == AppealStatus.FORWARDED
    assert len(_audit("status_forwarded", "appeals", appeal.id)) == 1


def _assessment(home, status=AssessmentStatus.DRAFT):
    from services import assessments
    a = assessments.create_assessment(None, home.id, 2025)
    if status != AssessmentStatus.DRAFT:
        assessments.finalize_assessment(None, a)
    _db.session.commit()
    return a


@pytest.mark.parametrize("step,status,audit_action", [
    ("finalize", AssessmentStatus.DRAFT, "finalize"),
    ("publish", AssessmentStatus.FINAL, "publish"),
])
def test_assessment_transition_at_once(world, race_app, step, status, audit_action):
    """20 finalizations of a draft (or publications of a final): one 200, one audit entry, the
    Home's manager told once."""
    a = _assessment(world.home_a, status)
    notes_before = _db.session.scalar(sa.select(sa.func.count(Notification.id)))
    bearer = token(race_app, world.admin)
    responses = race(race_app, [api_call("post", f"/assessments/{a.id}/{step}", bearer, {})
                                for _ in range(N)])
    assert statuses(responses) == {200: 1, 409: N - 1}
    _db.session.expire_all()
    assert len(_audit(audit_action, "assessments", a.id)) == 1
    assert _db.session.scalar(sa.select(sa.func.count(Notification.id))) == notes_before + 1


def test_assessment_overrides_and_recomputes_racing_finalize(world, race_app):
    """7 finalizations, 7 overrides and 6 recomputes at once: one finalization; every override
    or recompute written lies before it (a final assessment no longer changes: 409), and the
    stored total is the sum of the stored item scores."""
    a = _assessment(world.home_a)
    bearer = token(race_app, world.admin)
    base = f"/assessments/{a.id}"
    calls = [(api_call("post", f"{base}/finalize", bearer, {}),
              api_call("patch", f"{base}/items/B1", bearer,
                       {"score": str(Decimal(i) / 2), "reason": f"复核{i}"}),
              api_call("post", f"{base}/recompute", bearer, {}))[i % 3] for i in range(N)]
    responses = race(race_app, calls)
    finalizations = statuses(r for i, r in enumerate(responses) if i % 3 == 0)
    assert finalizations == {200: 1, 409: len(range(0, N, 3)) - 1}
    _db.session.expire_all()
    final = _audit("finalize", "assessments", a.id)[0]
    changes = _audit("override_item", "assessments", a.id) + _audit("recompute", "assessments",
                                                                    a.id)
    assert all(e.id < final.id for e in changes)
    assert len(changes) == sum(1 for i, r in enumerate(responses)
                               if i % 3 and r.status_code == 200)
    stored = _db.session.get(Assessment, a.id)
    assert stored.total == sum(item.score for item in stored.items)
    assert Decimal(final.after["total"]) == stored.total


def test_overrides_of_every_item_at_once_keep_the_total_true(world, race_app):
    """20 overrides spread over the seven items at once: the stored total is the sum of the
    stored item scores (each override recomputes the total from fresh items, under the lock)."""
    a = _assessment(world.home_a)
    bearer = token(race_app, world.admin)
    codes = ["B1", "B2", "B3", "A1", "A2", "A3", "A4"]
    calls = [api_call("patch", f"/assessments/{a.id}/items/{codes[i % 7]}", bearer,
                      {"score": str(Decimal(i % 9) + Decimal("0.25")), "reason": f"复核{i}"})
             for i in range(N)]
    responses = race(race_app, calls)
    assert statuses(responses) == {200: N}
    _db.session.expire_all()
    stored = _db.session.get(Assessment, a.id)
    assert all(item.override_score is not None for item in stored.items)
    assert stored.total == sum(item.score for item in stored.items)


def test_home_renewed_twice_at_once(world, race_app):
    """20 renewals at once add two years once: one 200, nineteen 409, one audit entry."""
    _db.session.add(Assessment(home_id=world.home_a.id, year=2025, grade=Grade.GOOD,
                               status=AssessmentStatus.PUBLISHED, total=Decimal("80"),
                               publicity_start=date(2026, 1, 10), publicity_end=date(2026, 1, 16)))
    _db.session.commit()
    bearer = token(race_app, world.admin)
    responses = race(race_app, [api_call("post", f"/homes/{world.home_a.id}/renew", bearer)
                                for _ in range(N)])
    assert statuses(responses) == {200: 1, 409: N - 1}
    _db.session.expire_all()
    assert _db.session.get(Home, world.home_a.id).expires_on == date(2029, 1, 10)
    assert len(_audit("renew", "homes", world.home_a.id)) == 1
    assert _notes("home_renewed") == 1


def test_plan_of_one_year_saved_at_once(world, race_app):
    """20 saves of one year's plan (manager and admin): all 200, one plan row, the last word kept."""
    bearers = [token(race_app, world.manager_a), token(race_app, world.admin)]
    responses = race(race_app, [api_call("put", f"/homes/{world.home_a.id}/plans/2026",
                                         bearers[i % 2], {"plan": f"计划{i}", "funding": i})
                                for i in range(N)])
    assert statuses(responses) == {200: N}
    _db.session.expire_all()
    plans = _db.session.scalars(sa.select(HomePlan).where(HomePlan.home_id == world.home_a.id)).all()
    assert len(plans) == 1
    assert len(_audit("upsert_plan", "home_plans")) == N
