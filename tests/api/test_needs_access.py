"""Access matrix of the 需求对接 pages and API × every role (SPEC §4, §5.11, §8): a need
dispatched to Home A and assigned to rep_a. 404 outside scope, 403 for a role that may not act
(before any 404 or 422), 401 / the login page without a login."""
import pytest

from extensions import db
from models.enums import NeedStatus
from tests.support.needs import need

ROLES = ["anonymous", "rep_a", "rep_a2", "manager_a", "manager_b", "rep_b", "admin"]


@pytest.fixture()
def assigned(world):
    row = need(NeedStatus.ASSIGNED, world.home_a, [world.rep_a])
    db.session.commit()
    return row


API = [
    ("GET", "/needs", None, [401, 200, 200, 200, 200, 200, 200]),
    ("GET", "/needs/{id}", None, [401, 200, 404, 200, 404, 404, 200]),
    ("GET", "/needs/{id}/suggestions", None, [401, 403, 403, 200, 404, 403, 200]),
    ("POST", "/needs/{id}/dispatch", {}, [401, 403, 403, 403, 403, 403, 422]),
    ("POST", "/needs/{id}/decline", {"reason": "x"}, [401, 403, 403, 403, 403, 403, 409]),
    ("POST", "/needs/{id}/close", None, [401, 403, 403, 403, 403, 403, 409]),
    ("POST", "/needs/{id}/return", {}, [401, 403, 403, 422, 404, 403, 403]),
    ("POST", "/needs/{id}/assign", {}, [401, 403, 403, 422, 404, 403, 403]),
]


@pytest.mark.parametrize("method,path,body,expected", API, ids=[f"{m} {p}" for m, p, _, _ in API])
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_api_matrix(api, world, assigned, method, path, body, expected, index, role):
    client = api(None if role == "anonymous" else getattr(world, role))
    url = path.format(id=assigned.id)
    resp = getattr(client, method.lower())(url, **({"json": body} if body is not None else {}))
    assert resp.status_code == expected[index], (role, url, resp.get_json())


PAGES = [
    ("GET", "/needs/", [302, 200, 200, 200, 200, 200, 200]),
    ("GET", "/needs/{id}", [302, 200, 404, 200, 404, 404, 200]),
    ("POST", "/needs/{id}/dispatch", [302, 403, 403, 403, 403, 403, 422]),
    ("POST", "/needs/{id}/decline", [302, 403, 403, 403, 403, 403, 422]),
    ("POST", "/needs/{id}/close", [302, 403, 403, 403, 403, 403, 409]),
    ("POST", "/needs/{id}/return", [302, 403, 403, 422, 404, 403, 403]),
    ("POST", "/needs/{id}/assign", [302, 403, 403, 422, 404, 403, 403]),
    ("GET", "/needs/export.xlsx", [302, 403, 403, 200, 200, 403, 200]),
    ("GET", "/needs/new", [200, 200, 200, 200, 200, 200, 200]),
    ("GET", "/needs/track", [200, 200, 200, 200, 200, 200, 200]),
]


@pytest.mark.parametrize("method,path,expected", PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES])
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_page_matrix(client, login, world, assigned, method, path, expected, index, role):
    if role != "anonymous":
        login(getattr(world, role))
    url = path.format(id=assigned.id)
    resp = client.open(url, method=method, data={})
    assert resp.status_code == expected[index], (role, url)
    if expected[index] == 302:
        assert "/login" in resp.headers["Location"]
