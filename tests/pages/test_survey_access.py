"""Every survey route × every role (SPEC §4, §5.10): the office writes, managers read their own
Home's results, representatives see published surveys and their own card, visitors are sent to
log in (pages) or get 401 (API); the separated administrators are covered by
test_separation_matrix (403 on every business route)."""
import pytest

from extensions import db as _db
from models.enums import Role
from services import surveys
from tests.support import factories
from tests.support.survey_data import body, published

ROLES = ("admin", "manager_a", "rep_a", "visitor")
OK_ALL = {"admin": 200, "manager_a": 200, "rep_a": 200}
OFFICE = {"admin": 200, "manager_a": 403, "rep_a": 403}
READ = {"admin": 200, "manager_a": 200, "rep_a": 403}

PAGES = [
    ("GET", "/surveys/", OK_ALL),
    ("GET", "/surveys/new", OFFICE),
    ("POST", "/surveys/new", {**OFFICE, "admin": 422}),
    ("GET", "/surveys/{s}/edit", OFFICE),
    ("POST", "/surveys/{s}/edit", {**OFFICE, "admin": 409}),
    ("GET", "/surveys/{s}/preview", OFFICE),
    ("POST", "/surveys/{d}/publish", {**OFFICE, "admin": 302}),
    ("POST", "/surveys/{s}/close", {**OFFICE, "admin": 302}),
    ("POST", "/surveys/{s}/copy", {**OFFICE, "admin": 302}),
    ("GET", "/surveys/{s}/codes", OFFICE),
    ("POST", "/surveys/{s}/codes", {**OFFICE, "admin": 422}),
    ("GET", "/surveys/{s}/results", READ),
    ("GET", "/surveys/{s}/completion", READ),
    ("GET", "/surveys/{s}/answers.xlsx", READ),
    ("GET", "/surveys/{s}/card", {"admin": 403, "manager_a": 403, "rep_a": 200}),
    ("GET", "/surveys/{o}/results", {"admin": 404, "manager_a": 404, "rep_a": 403}),
]
API = [
    ("GET", "/surveys", OK_ALL),
    ("POST", "/surveys", {**OFFICE, "admin": 422}),
    ("GET", "/surveys/{s}", OK_ALL),
    ("GET", "/surveys/{d}", {"admin": 200, "manager_a": 404, "rep_a": 404}),
    ("PATCH", "/surveys/{s}", {**OFFICE, "admin": 409}),
    ("POST", "/surveys/{d}/publish", OFFICE),
    ("POST", "/surveys/{s}/close", OFFICE),
    ("POST", "/surveys/{s}/copy", {**OFFICE, "admin": 201}),
    ("POST", "/surveys/{s}/codes", {**OFFICE, "admin": 422}),
    ("GET", "/surveys/{s}/results", READ),
    ("GET", "/surveys/{s}/completion", READ),
    ("GET", "/surveys/{o}/completion", {"admin": 404, "manager_a": 404, "rep_a": 403}),
]


@pytest.fixture()
def ids(world):
    s = published(world.admin)
    d = surveys.create_survey(world.admin, body())
    _db.session.commit()
    return {"s": s.id, "d": d.id, "o": 999999}


@pytest.mark.parametrize("who", ROLES)
def test_pages(login, client, world, ids, who):
    if who != "visitor":
        login(getattr(world, who))
    for method, path, expected in PAGES:
        url = path.format(**ids)
        resp = client.open(url, method=method, data={})
        want = expected.get(who, 302)
        if who == "visitor":
            assert resp.status_code == 302 and "/login" in resp.headers["Location"], url
        else:
            assert resp.status_code == want, (who, method, url, resp.status_code)


@pytest.mark.parametrize("who", ROLES)
def test_api(api, world, ids, who):
    caller = api(None if who == "visitor" else getattr(world, who))
    for method, path, expected in API:
        url = path.format(**ids)
        # A PATCH with nothing to change is refused as such (422 body) before anything else.
        payload = {"title": "改"} if method == "PATCH" else {}
        resp = getattr(caller, method.lower())(url, json=payload) if method != "GET" \
            else caller.get(url)
        want = 401 if who == "visitor" else expected[who]
        assert resp.status_code == want, (who, method, url, resp.status_code, resp.get_json())


def test_a_manager_without_a_home_reads_no_results(api, world, ids):
    applying = factories.user(Role.HOME_MANAGER, unit_id=factories.unit().id)
    _db.session.commit()
    assert api(applying).get(f"/surveys/{ids['s']}/results").status_code == 404
