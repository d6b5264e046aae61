"""The API base (SPEC §8): tokens, bearer auth, error JSON, pagination, OpenAPI, no cookies."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import ApiToken, Unit, User
from models.base import utcnow
from tests.conftest import token_body
from tests.support import factories


def test_token_then_me(client, world):
    resp = client.post("/api/v1/tokens", json=token_body(world.manager_a))
    assert resp.status_code == 201
    body = resp.get_json()
    assert set(body) == {"token", "expires_at", "user", "login_notice"}
    assert body["login_notice"] is None  # no failures since the last login
    assert body["user"] == {"id": world.manager_a.id, "username": "manager_a",
                            "role": "home_manager", "home_id": world.home_a.id,
                            "unit_id": world.home_a.unit_id}
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["username"] == "manager_a"


def test_representative_token_names_home_and_unit(client, world):
    body = client.post("/api/v1/tokens", json={"username": "rep_a",
                                               "password": factories.PASSWORD}).get_json()
    assert body["user"]["home_id"] == world.home_a.id
    assert body["user"]["unit_id"] == world.home_a.unit_id
    assert body["user"]["role"] == "representative"


def test_token_is_stored_hashed(client, world, db):
    token = client.post("/api/v1/tokens", json={"username": "rep_a",
                                                "password": factories.PASSWORD}).get_json()["token"]
    stored = db.session.scalars(sa.select(ApiToken.token_hash)).all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64


@pytest.mark.parametrize("body", [{"username": "rep_a", "password": "wrong-password-1"},
                                  {"username": "ghost", "password": factories.PASSWORD}])
def test_wrong_password_and_unknown_user_answer_the_same_401(client, world, body):
    resp = client.post("/api/v1/tokens", json=body)
    assert resp.status_code == 401
    assert resp.get_json() == {"error": {"code": "unauthorized", "message": "用户名或密码错误",
                                         "fields": {}}}


def test_deactivated_user_gets_no_token_and_loses_its_tokens(client, world, db, api):
    rep = api(world.rep_a)
    world.rep_a.active = False
    db.session.commit()
    assert rep.get("/me").status_code == 401
    resp = client.post("/api/v1/tokens", json={"username": "rep_a",
                                               "password": factories.PASSWORD})
    assert resp.status_code == 401


def test_token_missing_fields_answer_422_naming_them(client, db):
    resp = client.post("/api/v1/tokens", json={})
    assert resp.status_code == 422
    err = resp.get_json()["error"]
    assert err["code"] == "validation_error"
    assert set(err["fields"]) == {"username", "password"}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"},
                                     {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}])
def test_no_or_bad_token_is_401(client, db, headers):
    resp = client.get("/api/v1/me", headers=headers)
    assert resp.status_code == 401
    assert resp.get_json()["error"]["code"] == "unauthorized"


def test_tokens_expire(client, world, db, app):
    token = client.post("/api/v1/tokens", json={"username": "rep_a",
                                                "password": factories.PASSWORD}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    row = db.session.scalar(sa.select(ApiToken))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_token_lifetime_follows_config(client, world, db, app):
    before = utcnow()
    client.post("/api/v1/tokens", json={"username": "rep_a", "password": factories.PASSWORD})
    row = db.session.scalar(sa.select(ApiToken))
    hours = app.config["TOKEN_TTL_HOURS"]
    assert before + timedelta(hours=hours) - timedelta(minutes=1) <= row.expires_at
    assert row.expires_at <= utcnow() + timedelta(hours=hours)


def test_delete_token_logs_out(client, world, api):
    rep = api(world.rep_a)
    assert rep.delete("/tokens").status_code == 204
    assert rep.get("/me").status_code == 401


def test_api_never_sets_or_reads_the_session_cookie(client, world, login):
    login(world.rep_a)  # a logged-in browser session …
    resp = client.get("/api/v1/me")  # … is not an API credential
    assert resp.status_code == 401
    resp = client.post("/api/v1/tokens", json={"username": "rep_a",
                                               "password": factories.PASSWORD})
    assert not any(c.startswith("session=") for c in resp.headers.getlist("Set-Cookie"))


def test_bad_json_is_422_and_writes_nothing(client, world, api, db):
    admin = api(world.admin)
    count = db.session.scalar(sa.select(sa.func.count(Unit.id)))
    resp = admin.post("/units", data="{not json", headers={"Content-Type": "application/json"})
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"] == {"body": ["请求体不是合法的 JSON"]}
    resp = admin.post("/units", json=["a", "list"])
    assert resp.status_code == 422 and "body" in resp.get_json()["error"]["fields"]
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == count


def test_bad_fields_name_each_field_and_write_nothing(client, world, api, db):
    admin = api(world.admin)
    count = db.session.scalar(sa.select(sa.func.count(User.id)))
    resp = admin.post("/users", json={"username": "x", "password": "short", "name": "",
                                      "role": "king", "email": "not-an-email"})
    assert resp.status_code == 422
    fields = resp.get_json()["error"]["fields"]
    assert {"username", "password", "name", "role", "email"} <= set(fields)
    assert all(isinstance(m, list) and m for m in fields.values())
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == count


def test_wrong_types_answer_422_naming_the_field(client, world, api):
    resp = api(world.admin).post("/rounds", json={"year": "next", "deadline": "someday"})
    assert resp.status_code == 422
    assert {"year", "deadline"} <= set(resp.get_json()["error"]["fields"])


def test_pagination_envelope_and_limits(client, world, api, db):
    for i in range(25):
        factories.unit(name=f"分页单位{i:02d}")
    db.session.commit()
    admin = api(world.admin)
    body = admin.get("/units?page=2&per_page=10").get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert body["total"] == 27 and body["page"] == 2 and body["per_page"] == 10
    assert len(body["items"]) == 10
    last = admin.get("/units?page=3&per_page=10").get_json()
    assert len(last["items"]) == 7
    assert admin.get("/units?per_page=100").status_code == 200
    resp = admin.get("/units?per_page=101")
    assert resp.status_code == 422 and "per_page" in resp.get_json()["error"]["fields"]
    assert admin.get("/units?page=0").status_code == 422


def test_openapi_document(client, db):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/v1/tokens", "/api/v1/me", "/api/v1/units", "/api/v1/users",
                 "/api/v1/rounds", "/api/v1/homes", "/api/v1/homes/{home_id}"):
        assert path in doc["paths"], path
    assert "bearerAuth" in doc["components"]["securitySchemes"]


def test_unknown_api_path_is_json_404(client, db):
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404
    assert resp.get_json()["error"]["code"] == "not_found"


def test_unhandled_error_is_json_500(app, db, world):
    from tests.conftest import make_app
    app2 = make_app(PROPAGATE_TEST_ERRORS=False)

    @app2.route("/api/v1/boom")
    def boom():
        raise RuntimeError("boom")

    resp = app2.test_client().get("/api/v1/boom")
    assert resp.status_code == 500
    assert resp.get_json()["error"]["code"] == "internal_error"
