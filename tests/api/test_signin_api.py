# ruff: noqa: F811  (the fixtures of tests/support/signin.py are imported, then requested by name)
"""The sign-in API (SPEC §5.9, §8): open and close, the public sign-in, attendance with masking,
who may do what (404 outside the scope, 403 for a role that may not act, 401 without a token),
the limit per client address and code, and the OpenAPI document."""
import pytest
import sqlalchemy as sa

from extensions import db
from models import Attendee
from tests.conftest import make_app
from tests.support import factories as f
from tests.support.signin import clock, event  # noqa: F401


def _open(api, who, event, **body):
    return api(who).post(f"/activities/{event.id}/signin", json=body)


def test_open_answers_201_then_200_with_the_same_code(world, event, api, app):
    first = _open(api, world.rep_a, event)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert len(body["code"]) >= 8 and body["url"].endswith(f"/s/{body['code']}")
    assert body["url"].startswith("http") and body["closes_at"].startswith("2026-12-07T15:59:59")
    again = _open(api, world.manager_a, event)
    assert again.status_code == 200 and again.get_json()["code"] == body["code"]
    assert _open(api, world.rep_a2, event).status_code == 200  # a co-organiser


def test_public_base_url_is_used_for_the_address(world, event, api, app):
    app.config["PUBLIC_BASE_URL"] = "https://rephome.example.gov.cn/rh"
    try:
        body = _open(api, world.rep_a, event).get_json()
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert body["url"] == f"https://rephome.example.gov.cn/rh/s/{body['code']}"


def test_who_may_open(world, event, api):
    assert _open(api, world.rep_b, event).status_code == 404       # another Home
    assert _open(api, world.manager_b, event).status_code == 404
    other_rep = f.representative(world.home_a, username="rep_a3")
    db.session.commit()
    assert _open(api, other_rep, event).status_code == 404          # same Home, not involved
    resp = _open(api, world.admin, event, closes_at="not a time")  # role before the body
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"
    assert api().post(f"/activities/{event.id}/signin", json={}).status_code == 401
    assert api(world.rep_a).delete(f"/activities/{event.id}/signin").status_code == 409
    assert api(world.admin).delete(f"/activities/{event.id}/signin").status_code == 403


def test_open_refusals(world, event, api, clock):
    resp = _open(api, world.rep_a, event, closes_at="2026-12-08T08:00:00+08:00")
    assert resp.status_code == 422 and "closes_at" in resp.get_json()["error"]["fields"]
    event.date = event.date.replace(day=6)
    db.session.commit()
    resp = _open(api, world.rep_a, event)
    assert resp.status_code == 409 and "活动当天" in resp.get_json()["error"]["message"]


def test_sign_in_then_the_same_mobile_again(world, event, api):
    code = _open(api, world.rep_a, event).get_json()["code"]
    resp = api().post(f"/public/signin/{code}", json={"name": "王小明", "mobile": "13912345678",
                                                      "is_worker": True, "work_unit": "南大"})
    assert resp.status_code == 201
    assert resp.get_json() == {"attendee_no": 1, "activity_title": "青年科技工作者座谈会"}
    again = api().post(f"/public/signin/{code.lower()}",
                       json={"name": "王小明", "mobile": "+86 139-1234-5678", "is_worker": False})
    assert again.status_code == 200 and again.get_json()["attendee_no"] == 1
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 1


def test_unknown_closed_and_bad_input(world, event, api):
    assert api().post("/public/signin/ABCDEFGH", json={"name": "甲", "mobile": "13900000000"}
                      ).status_code == 404
    code = _open(api, world.rep_a, event).get_json()["code"]
    bad = api().post(f"/public/signin/{code}", json={"name": "", "mobile": "123",
                                                     "is_worker": "perhaps"})
    assert bad.status_code == 422
    assert {"name", "mobile", "is_worker"} <= set(bad.get_json()["error"]["fields"])
    closed = api(world.rep_a).delete(f"/activities/{event.id}/signin")
    assert closed.status_code == 200 and closed.get_json()["open"] is False
    resp = api().post(f"/public/signin/{code}", json={"name": "甲", "mobile": "13900000000"})
    assert resp.status_code == 409 and resp.get_json()["error"]["message"] == "签到已结束"


def test_honeypot(world, event, api):
    code = _open(api, world.rep_a, event).get_json()["code"]
    resp = api().post(f"/public/signin/{code}", json={"name": "bot", "mobile": "13900000000",
                                                      "website": "x"})
    assert resp.status_code == 201
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 0


def test_attendance_masking_and_scope(world, event, api):
    code = _open(api, world.rep_a, event).get_json()["code"]
    api().post(f"/public/signin/{code}", json={"name": "王小明", "mobile": "13912345678",
                                               "is_worker": True})
    for who, mobile in ((world.rep_a, "13912345678"), (world.admin, "13912345678"),
                        (world.rep_a2, "139****5678"), (world.manager_a, "139****5678")):
        resp = api(who).get(f"/activities/{event.id}/attendance")
        assert resp.status_code == 200, who.username
        body = resp.get_json()
        assert body["count"] == 1 and body["workers"] == 1
        item = body["items"][0]
        assert item["mobile"] == mobile and item["attendee_no"] == 1 and item["is_worker"] is True
        assert {"name", "work_unit", "signed_at"} <= set(item)
    assert api(world.rep_b).get(f"/activities/{event.id}/attendance").status_code == 404
    assert api(world.manager_b).get(f"/activities/{event.id}/attendance").status_code == 404
    assert api().get(f"/activities/{event.id}/attendance").status_code == 401


def test_the_openapi_document_describes_the_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"post", "delete"} <= set(paths["/api/v1/activities/{activity_id}/signin"])
    assert "get" in paths["/api/v1/activities/{activity_id}/attendance"]
    public = paths["/api/v1/public/signin/{code}"]["post"]
    assert {"200", "201", "404", "409", "422", "429"} <= set(public["responses"])


# ---------------------------------------------------------------- the limit per address and code

@pytest.fixture()
def limited(db):
    """limited(limit) → an app with rate limits on and SIGNIN_RATE_LIMIT = limit (None: default)."""
    from extensions import limiter

    def make(limit=None):
        extra = {"SIGNIN_RATE_LIMIT": limit} if limit else {}
        app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", **extra)
        limiter.reset()
        return app
    yield make
    limiter.reset()
    limiter.enabled = False  # the Limiter object is shared by every app of the session


def _codes(world, event, clock):
    from services import signin
    code = signin.open_signin(world.rep_a, event)[0].code
    second = f.activity(world.rep_a2, date=clock.today, status=event.status)
    db.session.commit()
    other_code = signin.open_signin(world.rep_a2, second)[0].code
    db.session.commit()
    return code, other_code


def _post(client, code, i, addr="10.1.1.1"):
    return client.post(f"/api/v1/public/signin/{code}",
                       json={"name": f"参会者{i}", "mobile": f"1380000{i:04d}"},
                       environ_base={"REMOTE_ADDR": addr})


def test_forty_sign_ins_from_one_address_succeed_under_the_default(limited, world, event, clock):
    app = limited()
    assert app.config["SIGNIN_RATE_LIMIT"] == "120 per hour"
    code, _ = _codes(world, event, clock)
    client = app.test_client()
    assert [_post(client, code, i).status_code for i in range(40)] == [201] * 40
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 40


def test_the_limit_is_per_address_and_code_and_shared_with_the_page(limited, world, event, clock):
    app = limited("5 per hour")
    code, other_code = _codes(world, event, clock)
    client = app.test_client()
    assert [_post(client, code, i).status_code for i in range(5)] == [201] * 5
    resp = _post(client, code, 5)
    assert resp.status_code == 429 and resp.get_json()["error"]["code"] == "rate_limited"
    assert _post(client, other_code, 6).status_code == 201             # another code
    assert _post(client, code, 7, addr="10.1.1.2").status_code == 201  # another address
    page = client.post(f"/s/{code}", data={"name": "甲", "mobile": "13800009999"},
                       environ_base={"REMOTE_ADDR": "10.1.1.1"})
    assert page.status_code == 429                                     # one bucket with the page
    assert client.get(f"/s/{code}", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 200


# ---------------------------------------------------------------- the access matrix (SPEC §4)

ROLES = ["anonymous", "rep_a", "rep_a2", "rep_a3", "manager_a", "manager_b", "rep_b", "admin",
         "system", "security", "auditor"]
MATRIX = [
    # (method, path, opened first?, expected per role in ROLES order); rep_a organises, rep_a2
    # co-organises, rep_a3 is another representative of the Home.
    ("POST", "/activities/{id}/signin", False, [401, 201, 201, 404, 201, 404, 404, 403, 403, 403, 403]),
    ("DELETE", "/activities/{id}/signin", True, [401, 200, 200, 404, 200, 404, 404, 403, 403, 403, 403]),
    ("GET", "/activities/{id}/attendance", True, [401, 200, 200, 404, 200, 404, 404, 200, 403, 403, 403]),
    ("POST", "/public/signin/{code}", True, [201] * 11),
]


@pytest.fixture()
def everyone(world, event):
    from models.enums import Role
    world.rep_a3 = f.representative(world.home_a, username="rep_a3")
    world.system = f.user(Role.SYSTEM_ADMIN, username="sys_admin")
    world.security = f.user(Role.SECURITY_ADMIN, username="sec_admin")
    world.auditor = f.user(Role.AUDIT_ADMIN, username="audit_admin")
    db.session.commit()
    return world


@pytest.mark.parametrize("method,path,first,expected", MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_access_matrix(api, everyone, event, method, path, first, expected, index, role):
    from services import signin
    code = "ABCDEFGH"
    if first:
        code = signin.open_signin(everyone.rep_a, event)[0].code
        db.session.commit()
    client = api(None if role == "anonymous" else getattr(everyone, role))
    url = path.format(id=event.id, code=code)
    body = {"name": "王小明", "mobile": "13912345678"} if "public" in path else {}
    resp = client.delete(url) if method == "DELETE" else (
        client.get(url) if method == "GET" else client.post(url, json=body))
    assert resp.status_code == expected[index], (role, url, resp.get_json())
    if resp.status_code >= 400:
        assert resp.get_json()["error"]["code"] == {401: "unauthorized", 403: "forbidden",
                                                    404: "not_found"}[resp.status_code]
