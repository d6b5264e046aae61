"""Joint activities across Homes (SPEC §5.12): co-organisers of any Home; the other Home's
co-organiser is notified, sees but does not edit, and may withdraw (so may their manager),
audited; the activity belongs to its organiser's Home for every figure; it shows in each
co-organiser's 履职档案 and in their Home's 台账 as 联合开展; no figure counts it twice
(a property test over random joint activities, on both databases)."""
from datetime import date

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extensions import db as _db
from models import Activity, AuditLog, Notification, activity_co_organizers
from models.enums import Theme
from services import activities, assessments, dashboard, records, summaries
from services.dashboard import Scope
from tests.conftest import _wipe
from tests.support import factories as f

KINDS = {Theme.PARTY_BUILDING: "theory_study", Theme.WINDOW: "exchange",
         Theme.NEIGHBORHOOD: "community", Theme.INNOVATION: "salon"}


def payload(theme=Theme.INNOVATION, day=date(2026, 5, 3), co=(), **kw):
    return {"theme": theme.value, "kind": KINDS[theme], "title": "联合沙龙", "date": day.isoformat(),
            "location": "会议室", "mode": "offline", "participants": 12, "summary": "交流",
            "published": True, "worker_ids": [], "co_organizer_ids": list(co), **kw}


def joint(world, *, verify=True):
    """rep_a (Home A) organises with rep_a2 (Home A) and rep_b (Home B)."""
    a = activities.create_activity(world.rep_a, payload(co=[world.rep_a2.id, world.rep_b.id]))
    if verify:
        activities.review_activity(world.manager_a, a, "verify")
    _db.session.commit()
    return a


# --- notification, access, withdrawal ---------------------------------------------------------

def test_the_other_homes_co_organiser_is_notified(world):
    a = joint(world, verify=False)
    notes = list(_db.session.scalars(sa.select(Notification).where(
        Notification.kind == "joint_activity_added")))
    assert [n.user_id for n in notes] == [world.rep_b.id]
    assert a.title in notes[0].title
    # Editing again does not notify twice; a new co-organiser of another Home is notified.
    rep_b2 = f.representative(world.home_b, username="rep_b2", name="代表丁")
    _db.session.commit()
    activities.update_activity(world.rep_a, a, {"co_organizer_ids": [world.rep_b.id, rep_b2.id]})
    _db.session.commit()
    assert sorted(_db.session.scalars(sa.select(Notification.user_id).where(
        Notification.kind == "joint_activity_added"))) == sorted([world.rep_b.id, rep_b2.id])


def test_the_co_organiser_sees_but_does_not_edit(world, api):
    a = joint(world, verify=False)
    theirs = api(world.rep_b)
    assert theirs.get(f"/activities/{a.id}").status_code == 200
    assert theirs.patch(f"/activities/{a.id}", json={"title": "改"}).status_code == 403
    assert theirs.delete(f"/activities/{a.id}").status_code == 403
    assert api(world.manager_b).get(f"/activities/{a.id}").status_code == 404
    assert api(world.manager_a).get(f"/activities/{a.id}").status_code == 200


def test_the_co_organiser_withdraws_themselves_on_the_page(world, login):
    a = joint(world)
    client = login(world.rep_b)
    page = client.get(f"/me/activities/{a.id}").get_data(as_text=True)
    assert "退出联合组织" in page and "联合开展" in page
    resp = client.post(f"/me/activities/{a.id}/co-organizers/{world.rep_b.id}/withdraw")
    assert resp.status_code == 302
    _db.session.expire_all()
    assert [u.id for u in _db.session.get(Activity, a.id).co_organizers] == [world.rep_a2.id]
    entry = _db.session.scalar(sa.select(AuditLog).where(
        AuditLog.action == "withdraw_co_organizer"))
    assert entry.actor_id == world.rep_b.id and entry.object_id == a.id
    assert _db.session.scalar(sa.select(Notification).where(
        Notification.kind == "joint_activity_withdrawn", Notification.user_id == world.rep_a.id))
    # No longer theirs: 404.
    assert client.get(f"/me/activities/{a.id}").status_code == 404


def test_their_manager_withdraws_them_and_others_may_not(world, api):
    a = joint(world)
    path = f"/activities/{a.id}/co-organizers/{world.rep_b.id}"
    assert api(world.rep_a2).delete(path).status_code == 403   # a fellow co-organiser
    assert api(world.rep_a).delete(path).status_code == 403    # the organiser edits instead
    assert api(world.manager_a).delete(path).status_code == 403  # not rep_b's manager
    outsider = f.representative(world.home_b, username="rep_b3", name="代表戊")
    _db.session.commit()
    assert api(outsider).delete(path).status_code == 404
    resp = api(world.manager_b).delete(path)
    assert resp.status_code == 200, resp.get_json()
    assert api(world.manager_b).delete(path).status_code == 404  # no longer related to Home B
    entry = _db.session.scalar(sa.select(AuditLog).where(
        AuditLog.action == "withdraw_co_organizer"))
    assert entry.actor_id == world.manager_b.id
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(activity_co_organizers)
                              .where(activity_co_organizers.c.user_id == world.rep_b.id)) == 0
    assert api(world.admin).delete(f"/activities/{a.id}/co-organizers/{world.rep_a2.id}") \
        .status_code == 200
    assert api(world.admin).delete(f"/activities/{a.id}/co-organizers/{world.rep_a2.id}") \
        .status_code == 409


def test_the_ledger_lists_it_apart_as_joint_and_the_manager_may_withdraw_there(world, login):
    a = joint(world)
    client = login(world.manager_b)
    html = client.get(f"/records/ledger/{world.home_b.id}?year=2026").get_data(as_text=True)
    assert 'data-testid="ledger-count">0<' in html
    assert "联合开展" in html and a.title in html and 'data-testid="ledger-joint-count">1<' in html
    ledger_a = records.ledger_of(world.home_a, 2026, with_photos=False)
    assert [e.activity.id for e in ledger_a.entries] == [a.id] and ledger_a.joint == []
    docx = client.get(f"/records/ledger/{world.home_b.id}/docx?year=2026")
    assert docx.status_code == 200
    resp = client.post(f"/me/activities/{a.id}/co-organizers/{world.rep_b.id}/withdraw",
                       data={"next": f"/records/ledger/{world.home_b.id}?year=2026"})
    assert resp.status_code == 302 and "/records/ledger/" in resp.headers["Location"]
    assert records.ledger_of(world.home_b, 2026, with_photos=False).joint == []


def test_the_record_of_the_other_homes_co_organiser_holds_it(world):
    a = joint(world)
    record = records.record_of(world.rep_b, 2026)
    assert [(x.id, x.role, x.home_name) for x in record.activities] == [
        (a.id, "co_organizer", world.home_a.name)]
    assert records.record_of(world.rep_a2, 2026).activities[0].home_name is None


def test_the_picker_searches_across_homes_showing_name_and_home_only(world, login, app):
    for i in range(25):
        f.representative(world.home_b, username=f"zhang{i}", name=f"张{i:02d}",
                         mobile=f"1390000{i:04d}")
    _db.session.commit()
    client = login(world.rep_a)
    body = client.get("/me/co-organizers/search?q=张").get_json()
    assert len(body["items"]) == activities.SEARCH_LIMIT == 20
    assert set(body["items"][0]) == {"id", "name", "home"}
    assert body["items"][0]["home"] == world.home_b.name
    assert "1390000" not in client.get("/me/co-organizers/search?q=张").get_data(as_text=True)
    assert client.get("/me/co-organizers/search?q=%25").get_json()["items"] == []
    assert client.get("/me/co-organizers/search?q=").get_json()["items"] == []
    mine = client.get("/me/co-organizers/search?q=代表").get_json()["items"]
    assert world.rep_a.id not in [i["id"] for i in mine] and world.rep_b.id in [i["id"] for i in mine]
    office = login(world.admin)
    assert office.get("/me/co-organizers/search?q=张").status_code == 403
    form = login(world.rep_a).get("/me/activities/new").get_data(as_text=True)
    assert "js/co_organizers." in form and "data-co-picker" in form


def test_a_form_with_another_homes_co_organiser_keeps_them_checked(world, login):
    a = joint(world, verify=False)
    html = login(world.rep_a).get(f"/me/activities/{a.id}/edit").get_data(as_text=True)
    assert f'value="{world.rep_b.id}" id="rep-{world.rep_b.id}" checked' in html
    assert world.home_b.name in html


# --- no figure counts a joint activity twice ---------------------------------------------------

def _people(world):
    return [world.rep_a, world.rep_a2, world.rep_b, world.rep_b2, world.rep_c]


def _figures_agree(world, made):
    """Every figure against the raw truth of `made` (activity id → (home_id, theme, verified,
    participants set))."""
    homes = [world.home_a, world.home_b, world.home_c]
    verified = {aid: v for aid, v in made.items() if v[2]}
    assert summaries.differences() == []
    province = dashboard.activity_stats(Scope(year=2026))
    assert province.total == len(verified)
    per_home_total = 0
    ledger_ids = []
    for home in homes:
        own = [aid for aid, v in verified.items() if v[0] == home.id]
        stats = dashboard.activity_stats(Scope(year=2026, home_id=home.id))
        assert stats.total == len(own)
        per_home_total += stats.total
        by_theme = assessments.compute(home.id, 2026).evidence
        for code, theme in (("A1", Theme.PARTY_BUILDING), ("A2", Theme.WINDOW),
                            ("A3", Theme.NEIGHBORHOOD), ("A4", Theme.INNOVATION)):
            assert by_theme[code]["count"] == sum(1 for aid in own if verified[aid][1] == theme)
        ledger = records.ledger_of(home, 2026, with_photos=False)
        ids = [e.activity.id for e in ledger.entries]
        assert sorted(ids) == sorted(own)
        ledger_ids += ids
        members = {u.id for u in _people(world) if u.home_id == home.id}
        expected_joint = {aid for aid, v in verified.items()
                          if v[0] != home.id and v[3] & members}
        assert [j.activity.id for j in ledger.joint] == sorted(
            expected_joint, key=lambda i: (_db.session.get(Activity, i).date, i))
        assert not set(ids) & {j.activity.id for j in ledger.joint}
    assert per_home_total == len(verified)
    assert sorted(ledger_ids) == sorted(verified)  # each verified activity in one ledger, once
    for record in records.records_for(_people(world), 2026):
        ids = [x.id for x in record.activities]
        assert len(ids) == len(set(ids))
        assert set(ids) == {aid for aid, v in verified.items()
                            if record.representative.id in v[3]}


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_figure_counts_a_joint_activity_twice(app, data):
    with app.app_context():
        _wipe()
        try:
            world = f.world()
            world.home_c = f.home(f.unit(name="无锡市科协", city="无锡市"))
            world.manager_c = f.manager(world.home_c, username="manager_c", name="无锡管理员")
            world.rep_b2 = f.representative(world.home_b, username="rep_b2", name="代表丁")
            world.rep_c = f.representative(world.home_c, username="rep_c", name="代表戊")
            _db.session.commit()
            managers = {world.home_a.id: world.manager_a, world.home_b.id: world.manager_b,
                        world.home_c.id: world.manager_c}
            people = _people(world)
            made = {}
            for _ in range(data.draw(st.integers(1, 6), label="activities")):
                organizer = data.draw(st.sampled_from(people), label="organizer")
                others = [p for p in people if p.id != organizer.id]
                co = data.draw(st.lists(st.sampled_from(others), unique_by=lambda u: u.id,
                                        max_size=4), label="co")
                theme = data.draw(st.sampled_from(list(Theme)), label="theme")
                month = data.draw(st.integers(1, 11), label="month")
                a = activities.create_activity(organizer, payload(
                    theme, date(2026, month, 5), co=[u.id for u in co]))
                verify = data.draw(st.booleans(), label="verify")
                if verify:
                    activities.review_activity(managers[a.home_id], a, "verify")
                _db.session.commit()
                made[a.id] = (a.home_id, theme, verify, {organizer.id, *(u.id for u in co)})
                if co and data.draw(st.booleans(), label="withdraw"):
                    gone = data.draw(st.sampled_from(co), label="who")
                    activities.withdraw_co_organizer(gone, a.id, gone.id)
                    _db.session.commit()
                    made[a.id][3].discard(gone.id)
                assert a.home_id == organizer.home_id
            _figures_agree(world, made)
        finally:
            _db.session.rollback()
            _wipe()


def test_the_picker_search_is_rate_limited_per_user(world):
    from tests.conftest import login_form, make_app

    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    assert login_form(client, world.rep_a).status_code == 302
    answers = [client.get("/me/co-organizers/search?q=代表").status_code for _ in range(121)]
    assert answers[:120] == [200] * 120 and answers[120] == 429
