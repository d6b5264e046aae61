"""三级联动 (SPEC §5.12): an activity verified with organiser and co-organisers of at least two
levels counts in `linked_levels`, with the levels of the moment it was verified; the summary rows
hold it, so after any sequence of writes the figures equal the raw activities."""
from datetime import date

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensions import db as _db
from models import Activity, User
from models.enums import ActivityStatus, Level
from services import activities as activity_service
from services import dashboard, summaries
from services.errors import ServiceError
from tests.conftest import _wipe
from tests.services import test_summaries as base
from tests.support import factories as f

LEVELS = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.CITY, Level.COUNTY]


def _province():
    """Two Homes (南京 and 苏州), five representatives of mixed levels, an admin."""
    home_a = f.home(f.unit(city="南京市"))
    home_b = f.home(f.unit(city="苏州市"))
    admin = f.admin()
    reps = [f.representative(home_a if i < 3 else home_b, level=level)
            for i, level in enumerate(LEVELS)]
    workers = {rep.id: [f.worker(linked_by=rep) for _ in range(2)] for rep in reps}
    _db.session.commit()
    return {"homes": [home_a.id, home_b.id], "admin": admin.id, "reps": [r.id for r in reps],
            "workers": {r: [w.id for w in ws] for r, ws in workers.items()}, "expected": {}}


def op_review(p, data):
    """Review a submitted activity, noting what 三级联动 must be (levels now)."""
    activity = base._pick_activity(data, ActivityStatus.SUBMITTED)
    if activity is None:
        return
    decision = data.draw(st.sampled_from(["verify", "verify", "return"]), label="decision")
    levels = {u.level for u in (activity.organizer, *activity.co_organizers) if u.level}
    activity_service.review_activity(base._user(p["admin"]), activity, decision, "意见")
    p["expected"][activity.id] = decision == "verify" and len(levels) >= 2


def op_relevel(p, data):
    """A representative's level changes: verified activities keep their flag."""
    rep = base._user(data.draw(st.sampled_from(p["reps"]), label="rep"))
    rep.level = data.draw(st.sampled_from(list(Level)), label="level")


def op_create_with_co(p, data):
    """An activity with co-organisers of the caller's Home or the other (levels mixed)."""
    rep = base._user(data.draw(st.sampled_from(p["reps"]), label="organiser"))
    same_home = [r for r in p["reps"] if base._user(r).home_id == rep.home_id and r != rep.id]
    co = data.draw(st.lists(st.sampled_from(same_home), unique=True, max_size=2), label="co")
    activity_service.create_activity(rep, {
        "theme": "window", "kind": "exchange", "title": "联动活动", "mode": "offline",
        "date": data.draw(st.sampled_from(base.DATES), label="date").isoformat(),
        "participants": 5, "summary": "内容", "co_organizer_ids": co}, submit=True)


OPS = [op_create_with_co, op_create_with_co, base.op_create, base.op_edit, base.op_submit,
       op_review, op_review, op_review, base.op_delete, op_relevel, base.op_move]


def _raw(year, home_ids=None):
    conds = [Activity.status == ActivityStatus.VERIFIED, Activity.date >= date(year, 1, 1),
             Activity.date <= date(year, 12, 31)]
    if home_ids is not None:
        conds.append(Activity.home_id.in_(home_ids))
    rows = _db.session.execute(sa.select(Activity.linked_levels).where(*conds)).all()
    count = sum(1 for (flag,) in rows if flag)
    return {"count": count, "share": count / len(rows) if rows else 0.0}


def _check(p):
    assert summaries.differences() == []
    for activity in _db.session.scalars(sa.select(Activity).where(
            Activity.status == ActivityStatus.VERIFIED)):
        if activity.id in p["expected"]:
            assert activity.linked_levels == p["expected"][activity.id]
    for year in (2025, 2026):
        assert dashboard.linked_levels(dashboard.Scope(year=year)) == _raw(year)
        assert dashboard.linked_levels(dashboard.Scope(year=year, city="南京市")) == \
            _raw(year, [p["homes"][0]])
        for home_id in p["homes"]:
            assert dashboard.linked_levels(dashboard.Scope(year=year, home_id=home_id)) == \
                _raw(year, [home_id])


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_writes_keep_linked_levels_equal_to_raw(app, data):
    with app.app_context():
        _wipe()
        try:
            p = _province()
            for _ in range(data.draw(st.integers(1, 14), label="steps")):
                op = data.draw(st.sampled_from(OPS), label="op")
                try:
                    op(p, data)
                    _db.session.commit()
                except ServiceError:
                    _db.session.rollback()
                _check(p)
        finally:
            _db.session.rollback()
            _wipe()


def _verified(organizer, admin, co=()):
    activity = activity_service.create_activity(organizer, {
        "theme": "window", "kind": "exchange", "title": "联动", "mode": "offline",
        "date": "2026-03-02", "participants": 3, "summary": "内容",
        "co_organizer_ids": [u.id for u in co]}, submit=True)
    activity_service.review_activity(admin, activity, "verify")
    _db.session.commit()
    return activity


def test_share_is_zero_without_verified_activities(world, api):
    figures = dashboard.linked_levels(dashboard.Scope(year=2026))
    assert figures == {"count": 0, "share": 0.0}
    body = api(world.admin).get("/dashboard?year=2026").get_json()
    assert body["linked_levels"] == {"count": 0, "share": 0.0}
    body = api(world.manager_a).get("/dashboard?year=2026").get_json()
    assert body["linked_levels"] == {"count": 0, "share": 0.0}


def test_two_levels_make_a_linked_activity_kept_as_verified(world, api):
    world.rep_a.level, world.rep_a2.level = Level.CITY, Level.PROVINCE
    _db.session.commit()
    linked = _verified(world.rep_a, world.admin, co=[world.rep_a2])
    alone = _verified(world.rep_a, world.admin)
    assert linked.linked_levels is True and alone.linked_levels is False
    assert dashboard.linked_levels(dashboard.Scope(year=2026)) == {"count": 1, "share": 0.5}
    # Levels as of verification: a later change of level changes nothing.
    _db.session.get(User, world.rep_a2.id).level = Level.CITY
    _db.session.commit()
    assert api(world.admin).get("/dashboard?year=2026").get_json()["linked_levels"] == \
        {"count": 1, "share": 0.5}
    # The Home's own dashboard and its city's count it; the other city does not.
    assert api(world.manager_a).get("/dashboard?year=2026").get_json()["linked_levels"] == \
        {"count": 1, "share": 0.5}
    assert api(world.admin).get("/dashboard?year=2026&city=苏州市").get_json()[
        "linked_levels"] == {"count": 0, "share": 0.0}
    # Deleting subtracts exactly what was added.
    activity_service.delete_activity(world.admin, _db.session.get(Activity, linked.id))
    _db.session.commit()
    assert dashboard.linked_levels(dashboard.Scope(year=2026)) == {"count": 0, "share": 0.0}
    assert summaries.differences() == []


def test_same_level_or_no_level_is_not_linked(world):
    world.rep_a.level = world.rep_a2.level = Level.COUNTY
    _db.session.commit()
    assert _verified(world.rep_a, world.admin, co=[world.rep_a2]).linked_levels is False
    # A manager organising has no level: one representative's level is one level.
    assert _verified(world.manager_a, world.admin, co=[world.rep_a]).linked_levels is False


def test_dashboard_pages_show_linked_levels(app, world):
    from tests.conftest import login_form
    client = app.test_client()
    login_form(client, world.admin)
    html = client.get("/dashboard/province?year=2026").get_data(as_text=True)
    assert 'data-testid="kpi-linked-levels">0（—）' in html  # no verified activity: no share
    html = client.get(f"/dashboard/home?home_id={world.home_a.id}&year=2026").get_data(as_text=True)
    assert 'data-testid="kpi-linked-levels"' in html
