"""Access matrix of the foundation's pages and endpoints × every role (SPEC §4).

Outside the caller's scope answers 404; a role that may not act answers 403; no login redirects to
the login page (pages) or answers 401 (API).
"""
import pytest

from tests.support import factories

ROLES = ["anonymous", "rep_a", "manager_a", "manager_b", "rep_b", "admin"]


def _who(world, role):
    return None if role == "anonymous" else getattr(world, role)


def _client(client, login, world, role):
    user = _who(world, role)
    if user is not None:
        login(user)
    return client


PAGES = [
    # (method, path, expected per role in ROLES order)
    ("GET", "/account/", [302, 200, 200, 200, 200, 200]),
    ("GET", "/admin/users", [302, 403, 403, 403, 403, 200]),
    ("GET", "/admin/users/new", [302, 403, 403, 403, 403, 200]),
    ("GET", "/admin/units", [302, 403, 403, 403, 403, 200]),
    ("GET", "/admin/units/new", [302, 403, 403, 403, 403, 200]),
    ("GET", "/admin/units/{unit_a}/edit", [302, 403, 403, 403, 403, 200]),
    ("POST", "/admin/units/{unit_a}/active", [302, 403, 403, 403, 403, 302]),
    ("POST", "/admin/users/{rep_a2}/active", [302, 403, 403, 403, 403, 302]),
]


@pytest.mark.parametrize("method,path,expected", PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES])
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_page_matrix(client, login, world, method, path, expected, index, role):
    c = _client(client, login, world, role)
    url = path.format(unit_a=world.home_a.unit_id, rep_a2=world.rep_a2.id)
    resp = c.open(url, method=method, data={"active": "1"})
    assert resp.status_code == expected[index], (role, url)
    if expected[index] == 302 and role == "anonymous":
        assert "/login" in resp.headers["Location"]


def test_missing_objects_are_404_on_admin_pages(client, login, world):
    login(world.admin)
    assert client.get("/admin/units/99999/edit").status_code == 404
    assert client.post("/admin/users/99999/active", data={"active": "0"}).status_code == 404


API = [
    ("GET", "/me", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/units", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/units/{unit_a}", None, [401, 200, 200, 404, 404, 200]),
    ("GET", "/users", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/users/{rep_a2}", None, [401, 404, 200, 404, 404, 200]),
    ("GET", "/users/{manager_a}", None, [401, 404, 200, 404, 404, 200]),
    ("GET", "/rounds", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/homes", None, [401, 200, 200, 200, 200, 200]),
    ("GET", "/homes/{home_a}", None, [401, 200, 200, 404, 404, 200]),
    ("POST", "/units", {"name": "新单位", "kind": "provincial_society"},
     [401, 403, 403, 403, 403, 201]),
    ("POST", "/rounds", {"year": 2031, "deadline": "2031-06-30"}, [401, 403, 403, 403, 403, 201]),
    ("PATCH", "/users/{rep_a2}", {"active": False}, [401, 404, 200, 404, 404, 200]),
]


@pytest.mark.parametrize("method,path,body,expected", API, ids=[f"{m} {p}" for m, p, _, _ in API])
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_api_matrix(api, world, method, path, body, expected, index, role):
    client = api(_who(world, role))
    url = path.format(unit_a=world.home_a.unit_id, rep_a2=world.rep_a2.id,
                      manager_a=world.manager_a.id, home_a=world.home_a.id)
    resp = getattr(client, method.lower())(url, **({"json": body} if body is not None else {}))
    assert resp.status_code == expected[index], (role, url, resp.get_json())
    if resp.status_code >= 400:
        assert resp.get_json()["error"]["code"] == {401: "unauthorized", 403: "forbidden",
                                                    404: "not_found"}[resp.status_code]


def test_scoped_lists_hold_only_what_the_caller_may_see(api, world):
    def ids(user, path):
        return {item["id"] for item in api(user).get(path).get_json()["items"]}

    assert ids(world.rep_a, "/homes") == {world.home_a.id}
    assert ids(world.manager_b, "/homes") == {world.home_b.id}
    assert ids(world.admin, "/homes") == {world.home_a.id, world.home_b.id}
    assert ids(world.rep_a, "/users") == {world.rep_a.id}
    assert ids(world.manager_a, "/users") == {world.manager_a.id, world.rep_a.id, world.rep_a2.id}
    assert ids(world.manager_a, "/units") == {world.home_a.unit_id}


@pytest.mark.parametrize("role,body,expected", [
    ("admin", {"role": "home_manager", "unit_id": "unit_b"}, 201),
    ("manager_a", {"role": "representative", "level": "county"}, 201),
    ("manager_a", {"role": "representative", "level": "county", "home_id": "home_a"}, 201),
    ("manager_a", {"role": "representative", "level": "county", "home_id": "home_b"}, 403),
    ("manager_a", {"role": "home_manager", "unit_id": "unit_a"}, 403),
    ("manager_a", {"role": "provincial_admin"}, 403),
    ("rep_a", {"role": "representative", "level": "city", "home_id": "home_a"}, 403),
])
def test_who_may_create_which_user(api, world, role, body, expected):
    ref = {"unit_a": world.home_a.unit_id, "unit_b": world.home_b.unit_id,
           "home_a": world.home_a.id, "home_b": world.home_b.id}
    payload = {k: ref.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    payload.update({"username": "newbie", "password": "A-good-password", "name": "新人"})
    resp = api(getattr(world, role)).post("/users", json=payload)
    assert resp.status_code == expected, resp.get_json()
    if expected == 201 and role == "manager_a":
        assert resp.get_json()["home_id"] == world.home_a.id


def test_duplicates_answer_409(api, world):
    admin = api(world.admin)
    # The office keeps business accounts only (SPEC §5.13): the duplicate is a home manager's.
    body = {"username": "rep_a", "password": "A-good-password", "name": "重复",
            "role": "home_manager", "unit_id": world.home_a.unit_id}
    resp = admin.post("/users", json=body)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "conflict"
    unit = {"name": "南京市科协", "kind": "city_association", "city": "南京市"}
    assert admin.post("/units", json=unit).status_code == 409
    assert admin.post("/rounds", json={"year": 2030, "deadline": "2030-05-01"}).status_code == 201
    assert admin.post("/rounds", json={"year": 2030, "deadline": "2030-06-01"}).status_code == 409


def test_round_quota_defaults_to_ten(api, world):
    body = api(world.admin).post("/rounds", json={"year": 2032, "deadline": "2032-05-01"}).get_json()
    assert body["quota"] == 10 and body["deadline"] == "2032-05-01"


def test_manager_cannot_deactivate_another_homes_representative(api, world, db):
    assert api(world.manager_b).patch(f"/users/{world.rep_a.id}",
                                      json={"active": False}).status_code == 404
    db.session.refresh(world.rep_a)
    assert world.rep_a.active is True


def test_representative_factory_password_matches(world):
    assert world.rep_a.check_password(factories.PASSWORD)
