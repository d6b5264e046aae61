"""`flask seed-demo`: the demo province is complete, consistent with the SPEC's rules, and idempotent."""
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from models import (
    Activity,
    Appeal,
    Application,
    ApplicationRound,
    ContactRecord,
    Home,
    HomePlan,
    Unit,
    User,
    Worker,
    WorkerLink,
    activity_co_organizers,
)
from models.enums import (
    JIANGSU_CITIES,
    THEME_KINDS,
    ActivityStatus,
    AppealStatus,
    ApplicationStatus,
    ContactChannel,
    HomeStatus,
    Level,
    Role,
    UnitKind,
)
from services import accounts, clock, compliance
from services.demo.seed import DEMO_LOGINS, add_years, seed_demo
from services.errors import LoginFailed

MOBILE = re.compile(r"^1[3-9]\d{9}$")


@pytest.fixture()
def seeded(db):
    assert seed_demo() is True
    db.session.commit()
    return db


def count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def all_counts(db):
    return {table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def test_units_homes_and_accounts(seeded):
    db = seeded
    units = list(db.session.scalars(sa.select(Unit)))
    cities = [u for u in units if u.kind == UnitKind.CITY_ASSOCIATION]
    assert sorted(u.city for u in cities) == sorted(JIANGSU_CITIES)
    assert all(u.name.endswith("科协") and u.address and re.fullmatch(r"\d{6}", u.postcode)
               and u.contact_person and u.phone for u in cities)
    kinds = Counter(u.kind for u in units)
    assert kinds[UnitKind.PROVINCIAL_SOCIETY] == 4 and kinds[UnitKind.ENTERPRISE_ASSOCIATION] == 3

    today = clock.today()
    homes = list(db.session.scalars(sa.select(Home)))
    assert 7 <= len(homes) <= 9
    for home in homes:
        assert home.expires_on == add_years(home.recognized_on, 2)  # 2-year validity
        assert home.venue_address and home.service_team
        assert (home.status == HomeStatus.ACTIVE) == home.is_valid_on(today)
    active = [h for h in homes if h.status == HomeStatus.ACTIVE]
    assert len(active) >= 6
    assert any(h.expires_on - today <= timedelta(days=60) for h in active)  # one expiring soon
    expired = [h for h in homes if h.status == HomeStatus.EXPIRED]
    assert len(expired) == 1 and expired[0].expires_on <= today
    plans = {(p.home_id, p.year) for p in db.session.scalars(sa.select(HomePlan))}
    assert all((h.id, today.year) in plans for h in homes)
    assert sum((h.id, today.year - 1) in plans for h in homes) >= 6

    users = list(db.session.scalars(sa.select(User)))
    assert sum(u.role == Role.PROVINCIAL_ADMIN for u in users) == 1
    managers = [u for u in users if u.role == Role.HOME_MANAGER]
    assert {h.unit_id for h in homes} <= {m.unit_id for m in managers}
    assert any(m.unit.home is None for m in managers)  # an applying unit without a Home
    reps = [u for u in users if u.role == Role.REPRESENTATIVE]
    assert 70 <= len(reps) <= 90
    assert {r.level for r in reps} == set(Level)
    assert all(r.home_id and r.work_unit and r.speciality for r in reps)
    assert {r.home_id for r in reps} == {h.id for h in homes}
    assert len({u.password_hash for u in users}) == 1  # hashed once


def test_workers_and_links(seeded):
    db = seeded
    workers = list(db.session.scalars(sa.select(Worker)))
    assert 250 <= len(workers) <= 350
    assert all(MOBILE.match(w.mobile) for w in workers)
    assert len({w.mobile for w in workers}) == len(workers)
    assert all(w.name and w.work_unit and w.field for w in workers)
    with_email = [w for w in workers if w.email]
    assert 0 < len(with_email) < len(workers)
    links = db.session.execute(sa.select(WorkerLink.worker_id, User.home_id).join(
        User, User.id == WorkerLink.representative_id)).all()
    per_worker = Counter(worker_id for worker_id, _ in links)
    assert set(per_worker) == {w.id for w in workers}  # every worker is linked
    assert any(n >= 2 for n in per_worker.values())  # some by two representatives
    homes_of = defaultdict(set)
    for worker_id, home_id in links:
        homes_of[worker_id].add(home_id)
    assert all(len(h) == 1 for h in homes_of.values())  # linked within one Home


def test_activities_cover_every_theme_and_kind_over_two_years(seeded):
    db = seeded
    today = clock.today()
    activities = list(db.session.scalars(sa.select(Activity)))
    pairs = {(a.theme, a.kind) for a in activities}
    assert pairs == {(t, k) for t, kinds in THEME_KINDS.items() for k in kinds}
    assert all(a.date <= today for a in activities)
    assert {a.date.year for a in activities} == {today.year - 1, today.year}
    assert set(Counter(a.status for a in activities)) == set(ActivityStatus)
    assert Counter(a.status for a in activities).most_common(1)[0][0] == ActivityStatus.VERIFIED
    assert all(a.review_comment for a in activities if a.status == ActivityStatus.RETURNED)
    assert all(a.verifier_id for a in activities if a.status == ActivityStatus.VERIFIED)
    published = [a for a in activities if a.published]
    assert published and all(a.status == ActivityStatus.VERIFIED for a in published)
    assert all(0 <= a.participants <= 100000 and 1 <= len(a.title) <= 200 and a.summary
               and len(a.location) <= 200 for a in activities)
    for a in activities:  # the organiser is a user of the Home, within its validity
        organizer_home = (a.organizer.home_id if a.organizer.role == Role.REPRESENTATIVE
                          else a.organizer.unit.home.id)
        assert organizer_home == a.home_id
        assert a.home.recognized_on <= a.date < a.home.expires_on
    co = db.session.execute(sa.select(activity_co_organizers)).all()
    assert co
    by_id = {a.id: a for a in activities}
    for activity_id, user_id in co:
        user = db.session.get(User, user_id)
        assert user.role == Role.REPRESENTATIVE and user.home_id == by_id[activity_id].home_id
        assert user_id != by_id[activity_id].organizer_id
    titles = {a.title for a in activities}
    assert any("红学堂" in t for t in titles) and any("科普" in t for t in titles)


def test_activity_contacts_are_exactly_those_of_spec_5_1(seeded):
    db = seeded
    expected = set()
    with_workers = 0
    for a in db.session.scalars(sa.select(Activity)):
        if a.workers:
            with_workers += 1
        if a.status in (ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED):
            expected |= {(a.organizer_id, w.id, a.date, ContactChannel.ACTIVITY, a.id)
                         for w in a.workers}
    records = list(db.session.scalars(sa.select(ContactRecord)))
    actual = [(c.representative_id, c.worker_id, c.date, c.channel, c.activity_id)
              for c in records if c.activity_id is not None]
    assert with_workers and expected
    assert len(actual) == len(set(actual)) and set(actual) == expected
    assert all((c.channel == ContactChannel.ACTIVITY) == (c.activity_id is not None)
               for c in records)
    manual = {c.channel for c in records if c.activity_id is None}
    assert manual == {ContactChannel.VISIT, ContactChannel.PHONE, ContactChannel.ONLINE,
                      ContactChannel.MEETING}
    assert all(c.date <= clock.today() for c in records)


def test_most_but_not_all_representatives_are_compliant(seeded):
    year = clock.today().year
    for y in (year, year - 1):
        rows = compliance.representatives(y)
        compliant = sum(r.compliant for r in rows)
        assert len(rows) // 2 < compliant < len(rows), y
        assert any(0 < r.contacted_count < compliance.threshold() for r in rows)


def test_rounds_applications_and_appeals(seeded):
    db = seeded
    today = clock.today()
    rounds = {r.year: r for r in db.session.scalars(sa.select(ApplicationRound))}
    assert set(rounds) == {today.year, today.year - 1}
    assert rounds[today.year].deadline.year == today.year
    apps = list(db.session.scalars(sa.select(Application)))
    assert {a.status for a in apps} == set(ApplicationStatus)
    assert {a.status for a in apps if a.round.year == today.year} == set(ApplicationStatus)
    live = Counter((a.unit_id, a.round_id) for a in apps if a.status != ApplicationStatus.REJECTED)
    assert max(live.values()) == 1
    for a in apps:
        if a.status != ApplicationStatus.DRAFT:
            assert len(re.sub(r"\s", "", a.scheme)) >= 1000
            assert a.pledge and a.contact_name and MOBILE.match(a.contact_mobile)
            assert clock.local(a.submitted_at).date() <= a.round.deadline
        if a.status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED,
                        ApplicationStatus.RETURNED):
            assert a.opinion and a.reviewer.role == Role.PROVINCIAL_ADMIN
        if a.status == ApplicationStatus.APPROVED:
            home = a.unit.home
            assert home is not None and home.recognized_on == clock.local(a.reviewed_at).date()
        elif a.round.year == today.year:
            assert a.unit.home is None or a.unit.home.status != HomeStatus.ACTIVE
    approved_units = {a.unit_id for a in apps if a.status == ApplicationStatus.APPROVED}
    assert approved_units <= {h.unit_id for h in db.session.scalars(sa.select(Home))}

    appeals = list(db.session.scalars(sa.select(Appeal)))
    assert {a.status for a in appeals} == set(AppealStatus)
    for a in appeals:
        assert a.home_id == a.representative.home_id and 1 <= len(a.content) <= 5000
        if a.status in (AppealStatus.RESOLVED, AppealStatus.CLOSED):
            assert a.response and a.resolved_at and a.handled_by_id
    assert any(a.worker_id is None for a in appeals) and any(a.worker_id for a in appeals)


def test_demo_logins_authenticate(seeded):
    usernames = [u for u, _, _ in DEMO_LOGINS]
    assert {"admin", "nanjing_admin", "rep_nanjing"} <= set(usernames)
    for username, password, label in DEMO_LOGINS:
        assert len(password) >= 12 and label
        assert accounts.check_credentials(username, password).username == username
        with pytest.raises(LoginFailed):
            accounts.check_credentials(username, password + "x")
    admin = accounts.check_credentials("admin", DEMO_LOGINS[0][1])
    assert admin.role == Role.PROVINCIAL_ADMIN
    manager = accounts.check_credentials("nanjing_admin", DEMO_LOGINS[1][1])
    assert manager.role == Role.HOME_MANAGER and manager.unit.name == "南京市科协"
    rep = accounts.check_credentials("rep_nanjing", DEMO_LOGINS[2][1])
    assert rep.role == Role.REPRESENTATIVE and rep.home_id == manager.scope_home_id
    other = seeded.session.scalar(sa.select(User).where(User.username == "rep_suzhou_02"))
    assert accounts.check_credentials(other.username, DEMO_LOGINS[0][1]).id == other.id


def test_second_run_changes_nothing(seeded):
    before = all_counts(seeded)
    assert before["activities"] > 0
    assert seed_demo() is False
    seeded.session.commit()
    assert all_counts(seeded) == before


def test_seed_does_not_commit(db):
    assert seed_demo() is True
    db.session.rollback()
    assert count(db, Unit) == 0 and count(db, User) == 0


def test_an_existing_demo_account_blocks_the_seed(db):
    from tests.support import factories
    factories.admin(username="admin")
    db.session.commit()
    assert seed_demo() is False
    assert count(db, Unit) == 0


def test_cli_prints_the_logins(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "已生成演示数据" in result.output
    for username, password, _ in DEMO_LOGINS:
        assert username in result.output and password in result.output
    db.session.expire_all()
    assert count(db, Home) >= 7
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 0 and "已存在" in again.output and "admin" in again.output


def test_last_years_assessments(seeded):
    from models import Assessment
    from models.enums import AssessmentStatus, Grade

    today = clock.today()
    assessments = list(seeded.session.scalars(sa.select(Assessment)))
    assert {a.year for a in assessments} == {today.year - 1}
    assert {a.status for a in assessments} == set(AssessmentStatus)
    for a in assessments:
        assert len(a.items) == 7 and a.total == sum(i.score for i in a.items)
        if a.status == AssessmentStatus.PUBLISHED:
            assert a.grade != Grade.FAIL and a.publicity_start <= today
            assert a.publicity_end == a.publicity_start + timedelta(days=6)
    expiring = [h for h in seeded.session.scalars(sa.select(Home))
                if h.status == HomeStatus.ACTIVE and h.expires_on - today <= timedelta(days=60)]
    published = {a.home_id for a in assessments if a.status == AssessmentStatus.PUBLISHED}
    assert expiring and all(h.id in published for h in expiring)  # renewable in the demo


@pytest.mark.parametrize("today", [date(2027, 1, 2), date(2028, 2, 29), date(2026, 12, 31)])
def test_any_today_gives_a_consistent_province(db, monkeypatch, today):
    """Dates are relative to clock.today(): early January, a leap day and New Year's Eve all
    seed without breaking a rule."""
    monkeypatch.setattr(clock, "today", lambda: today)
    assert seed_demo() is True
    db.session.commit()
    activities = list(db.session.scalars(sa.select(Activity)))
    assert all(date(today.year - 1, 1, 1) <= a.date <= today for a in activities)
    assert all(c.date <= today for c in db.session.scalars(sa.select(ContactRecord)))
    for home in db.session.scalars(sa.select(Home)):
        assert home.expires_on == add_years(home.recognized_on, 2)
        assert (home.status == HomeStatus.ACTIVE) == home.is_valid_on(today)
    current = db.session.scalar(sa.select(ApplicationRound).where(
        ApplicationRound.year == today.year))
    assert today <= current.deadline <= date(today.year, 12, 31)
    rows = compliance.representatives(today.year)
    assert 0 < sum(r.compliant for r in rows) < len(rows)


def test_demo_managers_queue_is_not_empty(seeded):
    """nanjing_admin logs in to a verification queue with work in it."""
    manager = seeded.session.scalar(sa.select(User).where(User.username == "nanjing_admin"))
    home = seeded.session.scalar(sa.select(Home).where(Home.unit_id == manager.unit_id))
    waiting = seeded.session.scalar(sa.select(sa.func.count(Activity.id)).where(
        Activity.home_id == home.id, Activity.status == ActivityStatus.SUBMITTED))
    assert waiting >= 3
