"""设区市科协 (city_admin, SPEC §4, §5.12) as a permission matrix over every route of the app (pages
and API, read from app.url_map): read-only over the Homes of its city.

- every change (any method but GET/HEAD) answers 403 before anything is looked up, except its own
  account, the routes every account has and the one-click reminder to a representative;
- the read routes of a Home's things answer 200 for an object of its city and 404 for the same
  kind of object of another city; the office's and managers' own work pages answer 403.
"""
from datetime import date

import pytest

from extensions import db as _db
from models import Assessment
from models.enums import ActivityStatus, AssessmentStatus, Role
from tests.conftest import login_form, token_body
from tests.support import factories

#: What a city admin may change (its own account, common routes, the reminder).
CHANGES = {"dashboard.remind", "account.otp", "account.otp_confirm"}
COMMON_BLUEPRINTS = {"auth", "public", "api_tokens", "api_me", "api_notifications",
                     "notifications", "api-docs", "api_public", "bootstrap", "pwa",
                     "signin_public", "api_signin_public", "survey_public", "api_public_surveys",
                     "need_public", "api_public_needs"}
COMMON_ENDPOINTS = {"static", "favicon", "main.index", "main.healthz", "account.profile",
                    "account.first_password", "account.messages", "account.messages_test",
                    "qr.page", "qr.track_form", "qr.track"}


def _common(endpoint):
    blueprint = endpoint.rsplit(".", 1)[0] if "." in endpoint else None
    return endpoint in COMMON_ENDPOINTS or blueprint in COMMON_BLUEPRINTS


def _things(home, rep, manager):
    """One of each scoped object of a Home: {url parameter: id}."""
    worker = factories.worker(rep, mobile=f"1381234{rep.id:04d}")
    factories.contact(rep, worker)
    activity = factories.activity(rep, status=ActivityStatus.VERIFIED, date=date(2026, 3, 2))
    appeal = factories.appeal(rep)
    assessment = Assessment(home_id=home.id, year=2025, status=AssessmentStatus.DRAFT)
    _db.session.add(assessment)
    _db.session.flush()
    return {"home_id": home.id, "activity_id": activity.id, "appeal_id": appeal.id,
            "assessment_id": assessment.id, "worker_id": worker.id,
            "representative_id": rep.id, "user_id": rep.id, "unit_id": home.unit_id}


@pytest.fixture()
def city(world):
    world.city_admin = factories.user(Role.CITY_ADMIN, username="nanjing_city", city="南京市")
    world.inside = _things(world.home_a, world.rep_a, world.manager_a)
    world.outside = _things(world.home_b, world.rep_b, world.manager_b)
    _db.session.commit()
    return world


def _callers(app, user):
    client = app.test_client()
    assert login_form(client, user).status_code == 302
    resp = app.test_client().post("/api/v1/tokens", json=token_body(user))
    assert resp.status_code == 201, resp.get_json()
    return client, {"Authorization": f"Bearer {resp.get_json()['token']}"}


def _fill(url_template, ids):
    import re

    def value(match):
        name = match.group(2)
        if name in ids:
            return str(ids[name])
        converter = match.group(1) or ""
        if converter.startswith("int"):
            return "1"
        if converter.startswith("any"):
            return re.split(r"[(,)'\s]+", converter)[1]
        return "x1"
    return re.sub(r"<(?:([^:>]+):)?([^>]+)>", value, url_template)


def _rule_routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule.endpoint, method, rule.rule))
    return out


def _call(client, headers, method, url):
    kwargs = {"headers": headers} if url.startswith("/api/") else {}
    if method in ("POST", "PUT", "PATCH"):
        kwargs["json" if url.startswith("/api/") else "data"] = {}
    return getattr(client, method.lower())(url, **kwargs)


#: The read routes of a Home's things: 200 for its city's object, 404 for another city's.
SCOPED_READS = {
    "activities.detail", "homes.detail", "provincial.assessment_print", "records.record",
    "records.record_print", "records.record_docx", "records.home_records_docx",
    "records.home_records_print", "records.ledger_page", "records.ledger_docx",
    "qr.representative_card", "signin.attendance", "signin.export",
    "api_units.unit_detail", "api_users.UserDetail", "api_homes.home_detail",
    "api_workers.WorkerDetail", "api_activities.ActivityDetail", "api_appeals.AppealDetail",
    "api_assessments.detail", "api_records.representative_record", "api_signin.attendance",
}
#: Lists and city-wide pages: 200 (their rows are narrowed to the city, tested below).
CITY_READS = {
    "activities.index", "provincial.appeals", "provincial.homes", "dashboard.city",
    "surveys.index", "api_units.Units", "api_users.Users", "api_rounds.Rounds", "api_homes.homes",
    "api_workers.Workers", "api_contacts.Contacts", "api_activities.Activities",
    "api_appeals.Appeals", "api_applications.Applications", "api_dashboard.dashboard_figures",
    "api_surveys.Surveys", "account.otp", "needs.index", "needs.export",
    "api_compliance.compliance_report", "records.representatives",
}
NOT_RUN = {"auth.logout", "api_tokens.Tokens", "static", "bootstrap.static"}


def test_city_admin_reads_its_city_and_changes_nothing(app, city):
    """Every route × the city admin: changes 403 (but its own account, the common routes and the
    reminder), reads of its city's objects 200, of another city's 404; never a 500."""
    client, headers = _callers(app, city.city_admin)
    wrong, checked = [], 0
    for endpoint, method, rule in _rule_routes(app):
        if endpoint in NOT_RUN or _common(endpoint):
            continue
        inside = _call(client, headers, method, _fill(rule, city.inside)).status_code
        outside = _call(client, headers, method, _fill(rule, city.outside)).status_code
        checked += 1
        if method != "GET":
            expected = None if endpoint in CHANGES else (403, 403)
        elif endpoint in SCOPED_READS:
            expected = (200, 404)
        elif endpoint in CITY_READS:
            expected = (200, 200)
        else:  # the office's and managers' work pages, or an object without a city
            expected = None
        if inside >= 500 or outside >= 500:
            wrong.append((endpoint, method, inside, outside))
        elif expected is not None and (inside, outside) != expected:
            wrong.append((endpoint, method, inside, outside, "expected", expected))
        elif expected is None and method == "GET" and endpoint not in CHANGES \
                and 200 in (inside, outside) and outside == 200 and "<int:" in rule:
            wrong.append((endpoint, method, inside, outside, "another city's object read"))
    assert checked > 150
    assert wrong == []


def test_city_lists_hold_only_its_city(app, city, api):
    client = api(city.city_admin)
    homes = client.get("/homes").get_json()["items"]
    assert [h["id"] for h in homes] == [city.home_a.id]
    activities = client.get("/activities").get_json()["items"]
    assert {a["id"] for a in activities} == {city.inside["activity_id"]}
    appeals = client.get("/appeals").get_json()["items"]
    assert {a["id"] for a in appeals} == {city.inside["appeal_id"]}
    users = {u["id"] for u in client.get("/users?per_page=100").get_json()["items"]}
    assert city.rep_a.id in users and city.manager_a.id in users
    assert city.rep_b.id not in users and city.manager_b.id not in users
    page, _ = _callers(app, city.city_admin)
    html = page.get("/manage/activities").get_data(as_text=True)
    assert "代表甲" in html and "代表丙" not in html
    assert f"/me/activities/{city.inside['activity_id']}\"" in html  # the read-only detail
    assert f'value="{city.home_a.id}"' in html and f'value="{city.home_b.id}"' not in html
    html = page.get("/province/homes").get_data(as_text=True)
    assert city.home_a.name in html and city.home_b.name not in html
    assert "/renew" not in html


def test_city_admin_reads_mobiles_masked(app, city, api):
    worker = api(city.city_admin).get(f"/workers/{city.inside['worker_id']}").get_json()
    assert "****" in worker["mobile"]
    assert api(city.admin).get(f"/workers/{city.inside['worker_id']}").get_json()["mobile"] \
        .isdigit()


def test_city_admin_sends_the_one_click_reminder(app, city):
    from models import Notification
    client, _ = _callers(app, city.city_admin)
    resp = client.post(f"/dashboard/home/representatives/{city.rep_a.id}/remind",
                       data={"home_id": city.home_a.id})
    assert resp.status_code == 302
    assert _db.session.query(Notification).filter_by(user_id=city.rep_a.id).count() == 1
    # Another city's representative: not in scope.
    resp = client.post(f"/dashboard/home/representatives/{city.rep_b.id}/remind", data={})
    assert resp.status_code == 404


def test_city_admin_home_page_has_no_forms(app, city):
    client, _ = _callers(app, city.city_admin)
    html = client.get(f"/home/{city.home_a.id}").get_data(as_text=True)
    assert 'data-testid="profile-read-only"' in html
    assert "/profile\"" not in html and "/plans\"" not in html and "/team\"" not in html
    assert client.post(f"/home/{city.home_a.id}/profile", data={}).status_code == 403
    assert client.post(f"/home/{city.home_b.id}/profile", data={}).status_code == 403


def test_city_admin_exports_are_audited(app, city):
    from models import AuditLog
    client, _ = _callers(app, city.city_admin)
    resp = client.get("/dashboard/export?table=homes&year=2026")
    assert resp.status_code == 200
    resp = client.get(f"/me/activities/{city.inside['activity_id']}/attendance.xlsx")
    assert resp.status_code == 200
    actions = [a for a, in _db.session.query(AuditLog.action).filter(
        AuditLog.actor_id == city.city_admin.id, AuditLog.action.in_(("export", "download")))]
    assert len(actions) >= 2
