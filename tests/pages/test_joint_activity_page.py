"""A joint activity's page for the other Home (SPEC §5.12): the manager of a co-organiser's Home and
the co-organiser open it read-only — no edit, verify, delete or sign-in list — with the withdrawal
they are allowed; any other Home's manager gets 404. The activity still belongs to its organiser's
Home only (lists, API, figures)."""
import re

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Activity, activity_co_organizers
from models.enums import UnitKind
from services import activities, signin
from tests.support import factories as f
from tests.support.crawl import endpoint_of
from tests.support.signin import clock  # noqa: F401  (the fixture: now and today together)


def _payload(co, day):
    return {"theme": "innovation", "kind": "salon", "title": "联合沙龙", "date": day.isoformat(),
            "location": "会议室", "mode": "offline", "participants": 12, "summary": "交流",
            "worker_ids": [], "co_organizer_ids": list(co)}


@pytest.fixture()
def joint(world, clock):  # noqa: F811
    """rep_a (Home A) organises today, submitted, with rep_a2 (Home A) and rep_b (Home B), sign-in
    open; Home C has nobody on it."""
    world.home_c = f.home(f.unit(name="无锡市科协", kind=UnitKind.CITY_ASSOCIATION, city="无锡市"))
    world.manager_c = f.manager(world.home_c, username="manager_c")
    _db.session.commit()
    world.activity = activities.create_activity(world.rep_a,
                                                _payload([world.rep_a2.id, world.rep_b.id],
                                                         clock.today))
    _db.session.commit()
    signin.open_signin(world.rep_a, world.activity)
    _db.session.commit()
    return world


def _posts(app, html):
    return {endpoint_of(app, action, "POST")
            for action in re.findall(r'<form[^>]*method="post"[^>]*action="([^"]+)"', html)}


def test_the_co_organisers_manager_reads_the_page_read_only(app, joint, login):
    a = joint.activity
    client = login(joint.manager_b)
    resp = client.get(f"/me/activities/{a.id}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'data-testid="joint-read-only"' in html and a.title in html
    assert joint.home_a.name in html
    # Read-only: the one change offered is withdrawing its own Home's co-organiser.
    assert _posts(app, html) == {"auth.logout", "activities.co_organizer_withdraw"}
    assert f"/co-organizers/{joint.rep_b.id}/withdraw" in html
    assert f"/co-organizers/{joint.rep_a2.id}/withdraw" not in html
    assert f"/me/activities/{a.id}/edit" not in html
    assert f"/me/activities/{a.id}/attendance" not in html and "签到名单" not in html
    assert 'data-testid="admin-note"' not in html
    # Every change and the attendance answer as for anyone outside the Home.
    assert client.get(f"/me/activities/{a.id}/edit").status_code == 404
    assert client.post(f"/me/activities/{a.id}/delete").status_code == 404
    assert client.post(f"/me/activities/{a.id}/submit").status_code == 404
    assert client.get(f"/manage/activities/{a.id}").status_code == 404
    assert client.post(f"/manage/activities/{a.id}/verify").status_code == 404
    assert client.get(f"/me/activities/{a.id}/attendance").status_code == 404
    assert client.post(f"/me/activities/{a.id}/signin/close").status_code == 404
    _db.session.expire_all()
    assert _db.session.get(Activity, a.id).status.value == "submitted"
    assert signin.is_open(signin.signin_of(_db.session.get(Activity, a.id)))


def test_it_stays_out_of_that_homes_lists_and_the_api(app, joint, login, api):
    a = joint.activity
    assert api(joint.manager_b).get(f"/activities/{a.id}").status_code == 404
    items = api(joint.manager_b).get("/activities").get_json()["items"]
    assert a.id not in {i["id"] for i in items}
    html = login(joint.manager_b).get("/manage/activities").get_data(as_text=True)
    assert f"/me/activities/{a.id}\"" not in html and f"/manage/activities/{a.id}\"" not in html


def test_any_other_homes_manager_gets_404(joint, login):
    a = joint.activity
    client = login(joint.manager_c)
    assert client.get(f"/me/activities/{a.id}").status_code == 404
    assert client.get(f"/me/activities/{a.id + 999}").status_code == 404


def test_the_co_organiser_reads_it_and_may_withdraw(app, joint, login):
    a = joint.activity
    client = login(joint.rep_b)
    html = client.get(f"/me/activities/{a.id}").get_data(as_text=True)
    assert a.title in html and 'data-testid="co-withdraw"' in html
    assert 'data-testid="joint-read-only"' not in html
    posts = _posts(app, html) - {"auth.logout"}
    assert "activities.co_organizer_withdraw" in posts
    # A co-organiser may run the sign-in (SPEC §5.9), nothing else.
    assert posts == {"activities.co_organizer_withdraw", "signin.close_signin"}
    assert f"/me/activities/{a.id}/edit" not in html
    assert client.get(f"/me/activities/{a.id}/edit").status_code == 403


def test_the_manager_withdraws_from_the_page_and_then_reads_it_no_more(joint, login):
    a = joint.activity
    client = login(joint.manager_b)
    html = client.get(f"/me/activities/{a.id}").get_data(as_text=True)
    nxt = re.search(r'name="next" value="([^"]+)"', html).group(1)
    assert nxt.startswith(f"/records/ledger/{joint.home_b.id}")
    resp = client.post(f"/me/activities/{a.id}/co-organizers/{joint.rep_b.id}/withdraw",
                       data={"next": nxt.replace("&amp;", "&")})
    assert resp.status_code == 302 and "/records/ledger/" in resp.headers["Location"]
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(activity_co_organizers)
                              .where(activity_co_organizers.c.user_id == joint.rep_b.id)) == 0
    assert client.get(f"/me/activities/{a.id}").status_code == 404


def test_the_ledger_links_the_joint_activity_to_its_page(joint, login):
    a = joint.activity
    activities.review_activity(joint.manager_a, _db.session.get(Activity, a.id), "verify")
    _db.session.commit()
    client = login(joint.manager_b)
    year = a.date.year
    html = client.get(f"/records/ledger/{joint.home_b.id}?year={year}").get_data(as_text=True)
    assert 'data-testid="ledger-joint-link"' in html and f"/me/activities/{a.id}\"" in html
    assert client.get(f"/me/activities/{a.id}").status_code == 200


def test_the_ledger_withdrawal_asks_first_and_reports_on_the_ledger(joint, login):
    """The 台账 print page loads the shared confirm script (the 退出 button carries data-confirm),
    shows the 联合开展 badge with a background, keeps dates on one line, and the withdrawal's
    result is flashed on the 台账 it returns to — not on some later page."""
    a = joint.activity
    activities.review_activity(joint.manager_a, _db.session.get(Activity, a.id), "verify")
    _db.session.commit()
    client = login(joint.manager_b)
    url = f"/records/ledger/{joint.home_b.id}?year={a.date.year}"
    html = client.get(url).get_data(as_text=True)
    assert re.search(r"/static/js/confirm[.\w]*\.js", html)
    assert re.search(r'<button data-confirm="[^"]+" data-testid="ledger-withdraw">', html)
    assert re.search(r'class="badge text-bg-\w+" data-testid="ledger-joint-badge">联合开展', html)
    assert f'<td class="text-nowrap">{a.date.isoformat()}</td>' in html
    nxt = re.search(r'name="next" value="([^"]+)"', html).group(1).replace("&amp;", "&")
    resp = client.post(f"/me/activities/{a.id}/co-organizers/{joint.rep_b.id}/withdraw",
                       data={"next": nxt}, follow_redirects=True)
    assert resp.status_code == 200 and resp.request.path == f"/records/ledger/{joint.home_b.id}"
    page = resp.get_data(as_text=True)
    assert 'data-testid="print-flash"' in page and "已退出联合组织" in page
    # Shown once: the next page does not repeat it.
    assert "已退出联合组织" not in client.get(url).get_data(as_text=True)
