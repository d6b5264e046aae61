"""Summary tables (issue 14): after any sequence of the writes that change them, the summaries
equal the raw aggregates, and the dashboards' figures read from them equal the raw figures."""
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensions import db as _db
from models import Activity, Appeal, ContactRecord, Home, User, Worker
from models.enums import ActivityStatus, AppealStatus, ContactChannel, Role, Theme
from models.summary import CONTACT_LEVEL_CAP
from services import accounts, clock, compliance, dashboard, summaries
from services import accounts as account_lifecycle
from services import activities as activity_service
from services import appeals as appeal_service
from services import appeals as public_appeals
from services import contacts as contact_service
from services.errors import ServiceError
from services.summaries import tables
from tests.conftest import _wipe, count_statements
from tests.support import factories as f

DATES = [date(2025, 12, 31), date(2026, 1, 1), date(2026, 3, 15), date(2026, 3, 31),
         date(2026, 7, 1)]
KINDS = {Theme.PARTY_BUILDING: "theory_study", Theme.WINDOW: "exchange",
         Theme.NEIGHBORHOOD: "community", Theme.INNOVATION: "salon"}


def _province():
    """Two Homes, five representatives (one worker shared by two of them), an admin."""
    home_a, home_b = f.home(), f.home()
    admin = f.admin()
    reps = [f.representative(home_a) for _ in range(3)] + [f.representative(home_b)
                                                          for _ in range(2)]
    workers = {}
    for rep in reps:
        workers[rep.id] = [f.worker(linked_by=rep) for _ in range(3)]
    f.link(reps[1], workers[reps[0].id][0])
    workers[reps[1].id].append(workers[reps[0].id][0])
    for i, rep in enumerate(reps[:3]):  # a verified, a submitted and a draft activity to begin with
        activity = activity_service.create_activity(rep, {
            "theme": "window", "kind": "exchange", "title": "座谈", "mode": "offline",
            "date": DATES[i + 1].isoformat(), "participants": 10 + i, "summary": "内容",
            "worker_ids": [w.id for w in workers[rep.id][:2]]}, submit=i < 2)
        if i == 0:
            activity_service.review_activity(admin, activity, "verify")
    _db.session.commit()
    return {"homes": [home_a.id, home_b.id], "admin": admin.id, "reps": [r.id for r in reps],
            "workers": {r: [w.id for w in ws] for r, ws in workers.items()}}


def _user(user_id):
    return _db.session.get(User, user_id)


def _activities():
    return list(_db.session.scalars(sa.select(Activity).order_by(Activity.id)))


# --- the operations --------------------------------------------------------------------------

def op_create(p, data):
    rep = _user(data.draw(st.sampled_from(p["reps"]), label="organiser"))
    theme = data.draw(st.sampled_from(list(Theme)), label="theme")
    workers = data.draw(st.lists(st.sampled_from(p["workers"][rep.id]), unique=True, max_size=3),
                        label="workers")
    co = data.draw(st.lists(st.sampled_from(p["reps"]), unique=True, max_size=2), label="co")
    activity_service.create_activity(rep, {
        "theme": theme.value, "kind": KINDS[theme], "title": "活动", "mode": "offline",
        "date": data.draw(st.sampled_from(DATES), label="date").isoformat(),
        "participants": data.draw(st.integers(0, 50), label="participants"), "summary": "内容",
        "worker_ids": workers, "co_organizer_ids": [i for i in co if i != rep.id]},
        submit=data.draw(st.booleans(), label="submit"))


def _pick_activity(data, *statuses):
    items = [a for a in _activities() if not statuses or a.status in statuses]
    if not items:
        return None
    return data.draw(st.sampled_from(items), label="activity")


def op_edit(p, data):
    activity = _pick_activity(data)
    if activity is None:
        return
    changes = data.draw(st.fixed_dictionaries({}, optional={
        "date": st.sampled_from(DATES).map(date.isoformat),
        "participants": st.integers(0, 50),
        "published": st.booleans(),
        "theme": st.sampled_from(list(Theme)),
        "worker_ids": st.lists(st.sampled_from(p["workers"][activity.organizer_id]), unique=True,
                               max_size=3),
        "co_organizer_ids": st.lists(st.sampled_from(p["reps"]), unique=True, max_size=2),
    }), label="changes")
    if "theme" in changes:
        changes["kind"] = KINDS[changes["theme"]]
        changes["theme"] = changes["theme"].value
    if "co_organizer_ids" in changes:
        changes["co_organizer_ids"] = [i for i in changes["co_organizer_ids"]
                                       if i != activity.organizer_id]
    submit = data.draw(st.sampled_from([None, True, False]), label="submit")
    activity_service.update_activity(_user(p["admin"]), activity, changes, submit=submit)


def op_submit(p, data):
    activity = _pick_activity(data, ActivityStatus.DRAFT, ActivityStatus.RETURNED)
    if activity is not None:
        activity_service.submit_activity(activity.organizer, activity)


def op_review(p, data):
    activity = _pick_activity(data, ActivityStatus.SUBMITTED)
    if activity is not None:
        decision = data.draw(st.sampled_from(["verify", "verify", "return"]), label="decision")
        activity_service.review_activity(_user(p["admin"]), activity, decision, "意见")


def op_delete(p, data):
    activity = _pick_activity(data)
    if activity is not None:
        activity_service.delete_activity(_user(p["admin"]), activity)


def op_contact(p, data):
    rep = _user(data.draw(st.sampled_from(p["reps"]), label="rep"))
    contact_service.create_contact(rep, {
        "worker_id": data.draw(st.sampled_from(p["workers"][rep.id]), label="worker"),
        "date": data.draw(st.sampled_from(DATES), label="date").isoformat(),
        "channel": ContactChannel.VISIT.value, "summary": "走访"})


def op_delete_contact(p, data):
    records = list(_db.session.scalars(sa.select(ContactRecord).where(
        ContactRecord.activity_id.is_(None)).order_by(ContactRecord.id)))
    if records:
        record = data.draw(st.sampled_from(records), label="record")
        contact_service.delete_contact(record.representative, record)


def op_move(p, data):
    """A representative moves to the other Home (their activities stay with their Home)."""
    rep = _user(data.draw(st.sampled_from(p["reps"]), label="rep"))
    account_lifecycle.move_representative(
        _user(p["admin"]), rep, p["homes"][1] if rep.home_id == p["homes"][0] else p["homes"][0])


def op_new_representative(p, data):
    """An administrator creates a representative (with no contacts yet) in one of the Homes."""
    n = len(p["reps"]) + 1
    user = accounts.create_user(_user(p["admin"]), {
        "username": f"newrep{n}", "password": "Correct-horse-9", "name": f"新代表{n}",
        "role": "representative", "mobile": f"1390000{n:04d}",
        "home_id": data.draw(st.sampled_from(p["homes"]), label="home"), "level": "city"})
    _db.session.flush()
    p["reps"].append(user.id)
    p["workers"][user.id] = [w for ws in list(p["workers"].values())[:1] for w in ws]
    for worker_id in p["workers"][user.id]:
        f.link(user, _db.session.get(Worker, worker_id))


def op_appeal(p, data):
    """An appeal filed by a representative, or left through their 代表码."""
    rep = _user(data.draw(st.sampled_from(p["reps"]), label="rep"))
    body = {"category": "research_funding", "content": "诉求"}
    if data.draw(st.booleans(), label="public"):
        public_appeals.submit_public_appeal(rep, body)
    else:
        appeal_service.create_appeal(rep, body)


def op_appeal_status(p, data):
    appeals = list(_db.session.scalars(sa.select(Appeal).order_by(Appeal.id)))
    if appeals:
        appeal = data.draw(st.sampled_from(appeals), label="appeal")
        status = data.draw(st.sampled_from(["forwarded", "resolved", "closed", None]),
                           label="status")
        appeal_service.change_status(_user(p["admin"]), appeal,
                                     {"status": status, "response": "已答复"})


def op_deactivate(p, data):
    rep = _user(data.draw(st.sampled_from(p["reps"]), label="rep"))
    accounts.set_active(_user(p["admin"]), rep, not rep.active)


OPS = [op_create, op_create, op_edit, op_edit, op_submit, op_review, op_review, op_review,
       op_delete, op_contact, op_contact, op_contact, op_delete_contact, op_move, op_deactivate,
       op_new_representative, op_appeal, op_appeal_status]


# --- the checks --------------------------------------------------------------------------------

def _raw_figures(year):
    """Dashboard figures from the raw rows (the pre-summary SQL)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    by = {}
    for home_id, theme, month, n, people in _db.session.execute(
            sa.select(Activity.home_id, Activity.theme, sa.extract("month", Activity.date),
                      sa.func.count(Activity.id), sa.func.sum(Activity.participants))
            .where(Activity.status == ActivityStatus.VERIFIED, Activity.date >= start,
                   Activity.date <= end)
            .group_by(Activity.home_id, Activity.theme, sa.extract("month", Activity.date))):
        by[(home_id, Theme(theme).value, int(month))] = (int(n), int(people))
    homes = {h: (c.compliant, c.total) for h, c in compliance.homes(year).items() if c.total}
    appeals = {}
    for home_id in [None, *_db.session.scalars(sa.select(Home.id).order_by(Home.id))]:
        start, end = clock.year_instants(year)
        pairs = _db.session.execute(sa.select(Appeal.status, Appeal.created_at, Appeal.resolved_at)
                                    .where(Appeal.created_at >= start, Appeal.created_at < end,
                                           *([Appeal.home_id == home_id] if home_id else []))).all()
        counts = {s.value: sum(1 for st_, _c, _r in pairs if st_ == s) for s in AppealStatus}
        appeals[home_id] = (counts, public_appeals.median_days(
            [(c, r) for st_, c, r in pairs if st_ == AppealStatus.RESOLVED]),
            _db.session.scalar(sa.select(sa.func.count(Appeal.id)).where(
                Appeal.status.in_(dashboard.OPEN_APPEALS),
                *([Appeal.home_id == home_id] if home_id else []))))
    return by, homes, appeals


def _summary_figures(year):
    by = {}
    for home_id, theme, month, n, people in summaries.activity_rows(
            year, by=("home_id", "theme", "month")):
        if n:
            by[(home_id, theme, int(month))] = (int(n), int(people))
    homes = {h: (c.compliant, c.total)
             for h, c in dashboard.compliance_homes(dashboard.Scope(year=year)).items()}
    appeals = {}
    for home_id in [None, *_db.session.scalars(sa.select(Home.id).order_by(Home.id))]:
        scope = dashboard.Scope(year=year, home_id=home_id)
        figures = dashboard.appeals_by_status(scope)
        appeals[home_id] = (figures["counts"], figures["median_days"],
                            dashboard.appeals_open(scope))
    return by, homes, appeals


def _assert_thresholds(app, year):
    """Per-Home compliance read at every threshold 0..CAP + 1 equals the raw figures."""
    old = app.config.get("CONTACT_THRESHOLD", 5)
    try:
        for threshold in (0, 1, 2, 3, 4, 6, CONTACT_LEVEL_CAP, CONTACT_LEVEL_CAP + 1):
            app.config["CONTACT_THRESHOLD"] = threshold
            raw = {h: (c.compliant, c.total) for h, c in compliance.homes(year).items() if c.total}
            assert {h: (c.compliant, c.total) for h, c in dashboard.compliance_homes(
                dashboard.Scope(year=year)).items()} == raw, threshold
    finally:
        app.config["CONTACT_THRESHOLD"] = old


def _raw_published_quarters(year):
    """{home_id: quarters of `year` with a verified, published activity} from the activities."""
    quarters = {}
    for home_id, day in _db.session.execute(
            sa.select(Activity.home_id, Activity.date).where(
                Activity.status == ActivityStatus.VERIFIED, Activity.published.is_(True),
                Activity.date >= date(year, 1, 1), Activity.date <= date(year, 12, 31))):
        quarters.setdefault(home_id, set()).add((day.month - 1) // 3)
    return {h: len(q) for h, q in quarters.items()}


def _raw_submitted():
    """{home_id: submitted activities} from the activities."""
    return dict(_db.session.execute(
        sa.select(Activity.home_id, sa.func.count(Activity.id))
        .where(Activity.status == ActivityStatus.SUBMITTED).group_by(Activity.home_id)).all())


def assert_summaries_exact(app=None):
    assert summaries.differences() == []
    raw = _raw_submitted()  # the verification queues' counts (summary_home_submitted)
    homes = _db.session.scalars(sa.select(Home.id)).all()
    assert {h: summaries.submitted_count(h) for h in homes} == {h: raw.get(h, 0) for h in homes}
    assert summaries.submitted_count() == sum(raw.values())
    for year in (2025, 2026):
        assert _summary_figures(year) == _raw_figures(year)
        assert summaries.published_quarters(year) == _raw_published_quarters(year)
        if app is not None:
            _assert_thresholds(app, year)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_writes_keep_summaries_equal_to_raw_aggregates(app, data):
    with app.app_context():
        _wipe()
        try:
            p = _province()
            for _ in range(data.draw(st.integers(1, 16), label="steps")):
                op = data.draw(st.sampled_from(OPS), label="op")
                try:
                    op(p, data)
                    _db.session.commit()
                except ServiceError:
                    _db.session.rollback()  # a refused write leaves nothing half-written
                assert_summaries_exact(app)
        finally:
            _db.session.rollback()
            _wipe()


# --- examples with their figures ---------------------------------------------------------------

def _rows(table):
    return [tuple(r) for r in _db.session.execute(sa.select(table).order_by(*table.primary_key))]


def test_verified_activity_counts_on_the_next_request(world, db, api):
    a = f.activity(world.rep_a, status=ActivityStatus.SUBMITTED, participants=30,
                   date=date(2026, 3, 5))
    db.session.commit()
    admin = api(world.admin)
    before = admin.get("/dashboard?year=2026").get_json()
    assert before["activities_by_theme"]["window"] == 0
    assert api(world.manager_a).post(f"/activities/{a.id}/review",
                                     json={"decision": "verify"}).status_code == 200
    after = admin.get("/dashboard?year=2026").get_json()
    assert after["activities_by_theme"]["window"] == 1 and after["activities_by_month"]["3"] == 1
    assert _rows(tables.A) == [(world.home_a.id, 2026, 3, "window", 1, 30, 0, 0)]


def test_contacts_count_distinct_workers_per_representative_and_year(world, db):
    w1, w2 = f.worker(linked_by=world.rep_a), f.worker(linked_by=world.rep_a)
    for day in (date(2026, 1, 2), date(2026, 5, 2)):
        contact_service.create_contact(world.rep_a, {"worker_id": w1.id, "date": day.isoformat(),
                                                     "channel": "visit"})
    contact_service.create_contact(world.rep_a, {"worker_id": w2.id, "date": "2025-12-31",
                                                 "channel": "phone"})
    db.session.commit()
    assert _rows(tables.C) == [(world.rep_a.id, w1.id, 2026, 2), (world.rep_a.id, w2.id, 2025, 1)]
    assert _rows(tables.R) == [(world.rep_a.id, 2025, 1), (world.rep_a.id, 2026, 1)]
    record = db.session.scalar(sa.select(ContactRecord).where(ContactRecord.worker_id == w2.id))
    contact_service.delete_contact(world.rep_a, record)
    db.session.commit()
    assert summaries.differences() == []
    assert db.session.scalar(sa.select(sa.func.sum(tables.R.c.workers)).where(
        tables.R.c.year == 2025)) == 0


def test_compliance_follows_threshold_moves_and_deactivation(world, db, app):
    for _ in range(5):
        f.contact(world.rep_a, f.worker(linked_by=world.rep_a), date(2026, 2, 1))
    db.session.commit()
    scope = dashboard.Scope(year=2026)
    figures = dashboard.compliance_homes(scope)
    assert (figures[world.home_a.id].compliant, figures[world.home_a.id].total) == (1, 2)
    app.config["CONTACT_THRESHOLD"] = 6
    try:
        assert dashboard.compliance_homes(scope)[world.home_a.id].compliant == 0
    finally:
        app.config["CONTACT_THRESHOLD"] = 5
    account_lifecycle.move_representative(world.admin, world.rep_a, world.home_b.id)  # at once
    db.session.commit()
    figures = dashboard.compliance_homes(scope)
    assert (figures[world.home_b.id].compliant, figures[world.home_b.id].total) == (1, 2)
    accounts.set_active(world.admin, world.rep_a, False)
    db.session.commit()
    assert dashboard.compliance_homes(scope)[world.home_b.id].total == 1


def test_rebuild_restores_and_check_reports(world, db, app):
    a = f.activity(world.rep_a, status=ActivityStatus.VERIFIED, participants=7)
    f.contact(world.rep_a, f.worker(linked_by=world.rep_a))
    db.session.commit()
    good = (_rows(tables.A), _rows(tables.C), _rows(tables.R))
    db.session.execute(sa.update(tables.A).values(activities=5))
    db.session.execute(tables.R.delete())
    db.session.commit()
    problems = summaries.differences()
    assert any("summary_activities" in p for p in problems)
    assert any("summary_representative_years" in p for p in problems)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rebuild-summaries", "--check"])
    assert result.exit_code == 1 and "不一致" in result.output
    result = runner.invoke(args=["rebuild-summaries"])
    assert result.exit_code == 0, result.output
    assert "一致" in result.output
    db.session.expire_all()
    assert (_rows(tables.A), _rows(tables.C), _rows(tables.R)) == good
    assert a.id


def test_summary_writes_are_single_upserts(world, db):
    """Reviewing an activity that links two workers adds one upsert of its Home's submitted
    count and one per activity summary (its Home's month, its Home's year, the province's month)
    and none for contacts already counted at submission: the writes do not grow with the rows
    behind."""
    workers = [f.worker(linked_by=world.rep_a) for _ in range(2)]
    activity = activity_service.create_activity(world.rep_a, {
        "theme": "window", "kind": "exchange", "title": "座谈", "mode": "offline",
        "date": "2026-03-01", "participants": 5, "summary": "内容",
        "worker_ids": [w.id for w in workers]})
    db.session.commit()
    with count_statements() as statements:
        activity_service.review_activity(world.manager_a, activity, "verify")
        db.session.flush()
    upserts = [s for s in statements if "ON CONFLICT" in s]
    assert [u.split()[2] for u in upserts] == [
        "summary_home_submitted", "summary_activities", "summary_activity_years",
        "summary_province_months"]
    assert summaries.differences() == []


@pytest.mark.parametrize("role", ["admin", "manager_a"])
def test_province_and_home_figures_equal_raw(world, db, role, api):
    for i, rep in enumerate((world.rep_a, world.rep_a2, world.rep_b)):
        f.activity(rep, status=ActivityStatus.VERIFIED, theme=Theme.INNOVATION, kind="salon",
                   date=date(2026, 1 + i, 3), participants=10 * i)
        for _ in range(5 * (i % 2) + 1):
            f.contact(rep, f.worker(linked_by=rep), date(2026, 4, 1))
    db.session.commit()
    body = api(getattr(world, role)).get("/dashboard?year=2026").get_json()
    homes = [world.home_a.id] if role == "manager_a" else None
    raw_total = db.session.scalar(sa.select(sa.func.count(Activity.id)).where(
        Activity.status == ActivityStatus.VERIFIED,
        *([Activity.home_id.in_(homes)] if homes else [])))
    assert sum(body["activities_by_theme"].values()) == raw_total
    raw = compliance.province(2026, homes)
    assert body["compliance_rate"] == pytest.approx(raw.rate)
    assert body["representatives"] == raw.total
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.role == Role.REPRESENTATIVE)) == 3
