"""The bench generator (`flask seed-bench`): proportions, invariants and SPEC §5.1 contacts."""
from collections import Counter
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from bench.generate import (
    ADMIN_USERNAME,
    BENCH_PASSWORD,
    PER_SCALE,
    build,
    counts_for,
    generate,
)
from models import (
    Activity,
    Appeal,
    Assessment,
    AssessmentItem,
    ContactRecord,
    Home,
    Unit,
    User,
    Worker,
    WorkerLink,
    activity_workers,
)
from models.enums import ContactChannel, Role, kind_belongs_to
from services.clock import today

SCALE = 0.002


@pytest.fixture()
def bench_db(db):
    stats = generate(SCALE, analyze=False)
    return stats


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_counts_follow_the_scale(db, bench_db):
    n = counts_for(SCALE)
    assert n == {"homes": 1, "representatives": 12, "workers": 60, "contacts": 300,
                 "activities": 240, "appeals": 40}
    assert _count(db, Home) == _count(db, Unit) == n["homes"]
    assert _count(db, Worker) == n["workers"]
    assert _count(db, Activity) == n["activities"]
    assert _count(db, ContactRecord) == n["contacts"]
    assert _count(db, Appeal) == n["appeals"]
    roles = dict(db.session.execute(sa.select(User.role, sa.func.count()).group_by(User.role)).all())
    assert roles == {Role.PROVINCIAL_ADMIN: 1, Role.HOME_MANAGER: n["homes"],
                     Role.REPRESENTATIVE: n["representatives"], Role.CITY_ADMIN: 1,
                     Role.AUDIT_ADMIN: 1}  # the last two from the extras step
    # Previous year's assessments, seven items each.
    assert _count(db, Assessment) == n["homes"]
    assert _count(db, AssessmentItem) == 7 * n["homes"]
    assert db.session.scalar(sa.select(Assessment.year)) == today().year - 1
    assert bench_db["rows"]["activities"] == n["activities"]


def test_counts_at_scale_one_match_the_issue():
    assert counts_for(1) == PER_SCALE
    assert counts_for(0.1, years=2)["activities"] == 24000


def test_kinds_belong_to_themes_and_nothing_is_in_the_future(db, bench_db):
    now = datetime.now(UTC)
    for theme, kind, day in db.session.execute(
            sa.select(Activity.theme, Activity.kind, Activity.date)):
        assert kind_belongs_to(theme, kind), (theme, kind)
        assert date(today().year, 1, 1) <= day <= today()
    assert db.session.scalar(sa.select(sa.func.max(ContactRecord.date))) <= today()
    assert max(a.created_at for a in db.session.scalars(sa.select(Appeal))) <= now
    assert db.session.scalar(sa.select(sa.func.max(Home.recognized_on))) <= today()


def test_activity_contacts_follow_spec_5_1(db, bench_db):
    """One `activity` contact per linked worker, for the organiser, on the activity's date,
    exactly while the activity is submitted or verified."""
    linked = {}
    for aid, wid in db.session.execute(sa.select(activity_workers.c.activity_id,
                                                 activity_workers.c.worker_id)):
        linked.setdefault(aid, set()).add(wid)
    assert linked, "some activities link workers"
    records = {}
    for r in db.session.scalars(sa.select(ContactRecord).where(
            ContactRecord.activity_id.is_not(None))):
        records.setdefault(r.activity_id, []).append(r)
    for a in db.session.scalars(sa.select(Activity)):
        mine = records.get(a.id, [])
        if a.status.value in ("submitted", "verified"):
            assert sorted(r.worker_id for r in mine) == sorted(linked.get(a.id, set()))
            for r in mine:
                assert (r.representative_id, r.date, r.channel) == (
                    a.organizer_id, a.date, ContactChannel.ACTIVITY)
        else:
            assert mine == []
    # Direct records never use the `activity` channel.
    assert not db.session.scalar(sa.select(sa.func.count(ContactRecord.id)).where(
        ContactRecord.activity_id.is_(None), ContactRecord.channel == ContactChannel.ACTIVITY))


def test_people_belong_where_they_act(db, bench_db):
    links = set(db.session.execute(sa.select(WorkerLink.representative_id,
                                             WorkerLink.worker_id)).all())
    for rep, worker in db.session.execute(sa.select(ContactRecord.representative_id,
                                                    ContactRecord.worker_id)):
        assert (rep, worker) in links  # a representative contacts the workers they link
    users = {u.id: u for u in db.session.scalars(sa.select(User))}
    homes = {h.id: h for h in db.session.scalars(sa.select(Home))}
    for a in db.session.scalars(sa.select(Activity)):
        organizer = users[a.organizer_id]
        assert organizer.scope_home_id == a.home_id
        if a.verifier_id is not None:
            assert users[a.verifier_id].unit_id == homes[a.home_id].unit_id
    for appeal in db.session.scalars(sa.select(Appeal)):
        assert users[appeal.representative_id].home_id == appeal.home_id
    reps = [u for u in users.values() if u.role == Role.REPRESENTATIVE]
    assert all(u.home_id is not None and u.level is not None for u in reps)
    admin = next(u for u in users.values() if u.username == ADMIN_USERNAME)
    assert admin.check_password(BENCH_PASSWORD)
    assert len({u.password_hash for u in users.values()}) == 1


def test_refuses_a_non_empty_database_unless_forced(db, bench_db):
    with pytest.raises(RuntimeError):
        generate(SCALE, analyze=False)
    stats = generate(SCALE, force=True, analyze=False)
    assert _count(db, Activity) == stats["rows"]["activities"] == 240
    assert _count(db, Home) == 1


def test_build_is_deterministic_and_spread():
    """Same seed, same rows; statuses mostly verified, all themes, every month so far."""
    day = date(2026, 11, 15)
    a = build(0.01, today=day)
    b = build(0.01, today=day)
    cols, rows = a.tables["activities"]
    strip = [i for i, c in enumerate(cols) if c not in ("created_at", "updated_at",
                                                        "submitted_at", "verified_at")]
    assert [tuple(r[i] for i in strip) for r in rows] == \
        [tuple(r[i] for i in strip) for r in b.tables["activities"][1]]
    status = Counter(r[cols.index("status")] for r in rows)
    assert 0.75 < status["verified"] / len(rows) < 0.85
    assert set(status) == {"verified", "submitted", "returned", "draft"}
    themes = Counter(r[cols.index("theme")] for r in rows)
    assert len(themes) == 4 and min(themes.values()) > len(rows) / 5
    months = {r[cols.index("date")].month for r in rows}
    assert months == set(range(1, 12))
    assert max(r[cols.index("date")] for r in rows) <= day
    # Compliance varies: some representatives reach five distinct workers, some do not.
    ccols, contacts = a.tables["contact_records"]
    distinct = {}
    for r in contacts:
        distinct.setdefault(r[ccols.index("representative_id")], set()).add(
            r[ccols.index("worker_id")])
    sizes = [len(s) for s in distinct.values()]
    assert any(s >= 5 for s in sizes) and any(s < 5 for s in sizes)


def test_generated_accounts_carry_their_pinyin_key(bench_db, db):
    from models.user import name_sort_key
    users = db.session.execute(sa.select(User.name, User.name_key)).all()
    assert users and all(key == name_sort_key(name) for name, key in users)


# ------------------------------------------------------------------ the newer tables (extras)

def test_extras_follow_the_scale_and_are_timed_apart(db, bench_db):
    from bench import extras
    from models import AuditLog, Need, SurveyResponse
    n = extras.counts_for(SCALE)
    assert n == {"audit": 667, "survey_responses": 7, "needs": 4}
    assert extras.counts_for(30)["audit"] == 10_000_020  # "10 M entries at scale 30"
    assert round(extras.counts_for(30)["survey_responses"], -3) == 100_000
    assert _count(db, AuditLog) == bench_db["extras_rows"]["audit_log"] == n["audit"]
    largest = db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)
                                .where(SurveyResponse.survey_id == 1))
    assert largest == n["survey_responses"]
    assert _count(db, Need) == n["needs"]
    assert bench_db["extras_s"] > 0 and "extras_s" not in bench_db["rows"]
    # total_s is the main seed's own time, the extras step's is not in it
    main = bench_db["build_s"] + bench_db["write_s"] + bench_db["summaries_s"]
    assert bench_db["total_s"] == pytest.approx(main + bench_db["analyze_s"])


def test_seeded_audit_log_is_a_valid_chain_the_product_extends(db, bench_db):
    """Every seeded entry is sealed (seq 1..n, hashes as services/audit computes them), so the
    verifier passes; a product write afterwards seals onto the seeded head; a changed entry is
    caught."""
    from models import AuditLog
    from services import audit
    from services.audit.verify import verify_chain
    verdict = verify_chain()
    assert verdict.ok, verdict
    assert verdict.checked == _count(db, AuditLog) == 667
    seqs = db.session.scalars(sa.select(AuditLog.seq).order_by(AuditLog.id)).all()
    assert seqs == list(range(1, 668))
    times = db.session.scalars(sa.select(AuditLog.created_at).order_by(AuditLog.seq)).all()
    assert times == sorted(times) and times[-1] <= datetime.now(UTC)
    audit.record(None, "job_run", object_type="jobs", detail={"bench": True})
    db.session.commit()
    verdict = verify_chain()
    assert verdict.ok and verdict.checked == 668
    if db.engine.dialect.name == "sqlite":  # PostgreSQL's trigger refuses the change itself
        db.session.execute(sa.update(AuditLog).where(AuditLog.seq == 300).values(reason="x"))
        db.session.commit()
        assert verify_chain().bad_seq == 300


def test_extras_are_consistent(db, bench_db):
    """Needs dispatched onward name a Home of their city and assigned ones its representatives;
    answers belong to their survey's questions; each sign-in's count is its attendees; the
    open sign-ins are open; the city admin's city is Home 1's."""
    from bench.extras import CITY_ADMIN_USERNAME, HALL, OPEN_SIGNINS
    from models import (
        ActivitySignin,
        Attendee,
        Need,
        SurveyAnswer,
        SurveyQuestion,
        SurveyResponse,
        need_representatives,
    )
    from services.signin import is_open
    cities = dict(db.session.execute(sa.select(Home.id, Unit.city).join(Unit)).all())
    users = {u.id: u for u in db.session.scalars(sa.select(User))}
    assigned = {}
    for need_id, user_id in db.session.execute(sa.select(need_representatives)):
        assigned.setdefault(need_id, []).append(user_id)
    for need in db.session.scalars(sa.select(Need)):
        if need.status.value in ("received", "declined"):
            assert need.home_id is None and need.dispatched_at is None
        else:
            assert need.city == (cities[need.home_id] or "南京市")
        for uid in assigned.get(need.id, []):
            assert users[uid].home_id == need.home_id
        if need.status.value in ("assigned", "fulfilled", "closed"):
            assert need.assigned_at is not None
    pairs = db.session.execute(sa.select(SurveyResponse.survey_id, SurveyQuestion.survey_id)
                               .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
                               .join(SurveyQuestion,
                                     SurveyQuestion.id == SurveyAnswer.question_id)).all()
    assert pairs and all(a == b for a, b in pairs)
    counts = dict(db.session.execute(sa.select(Attendee.activity_id, sa.func.count())
                                     .group_by(Attendee.activity_id)).all())
    signins = db.session.scalars(sa.select(ActivitySignin)).all()
    for row in signins:
        assert row.last_attendee_no == counts.get(row.activity_id, 0)
    assert max(counts.values()) == HALL
    open_rows = [r for r in signins if is_open(r)]
    assert 0 < len(open_rows) <= OPEN_SIGNINS and all(r.last_attendee_no == 0 for r in open_rows)
    city_admin = db.session.scalar(sa.select(User).where(User.username == CITY_ADMIN_USERNAME))
    assert city_admin.role == Role.CITY_ADMIN and city_admin.city == cities[1]


def test_the_newer_pages_answer_with_their_floors(app, db, bench_db, monkeypatch):
    """Every page and API target of bench/targets.py answers 200 on the seeded data, its floor
    runs, and profile.py knows every target (it unpacks all seven values)."""
    from bench import floors
    from bench.targets import count_statements, page_targets
    monkeypatch.setitem(app.config, "SECOND_FACTOR", "off")  # as bench/wsgi.py configures it
    _home, _reps, targets = page_targets(app, today().year)
    keys = [t[0] for t in targets]
    for key in ("city_page", "survey_results_page", "survey_results_api", "needs_office",
                "needs_home", "attendance", "audit_first", "audit_filtered"):
        assert key in keys
    raw = floors.Raw(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        for key, _label, client, path, headers, floor, kind in targets:
            r = client.get(path, headers=headers)
            assert r.status_code == 200, (key, r.status_code)
            assert floor(raw) is not None
            assert kind in ("page", "api", "time")
            if key.startswith(("city", "survey", "needs", "attendance", "audit")):
                assert count_statements(app, client, path, headers) > 0
    finally:
        raw.close()
    from bench.profile import page_requests
    requests = page_requests(app, today().year)
    assert list(requests) == keys
    for key, request in requests.items():
        assert request().status_code == 200, key
