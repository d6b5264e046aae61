"""The OpenAPI document describes what the API really answers (issue 11, "tell the truth")."""
import pytest

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture()
def doc(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    return resp.get_json()


def _resolve(doc, obj):
    while "$ref" in obj:
        kind, name = obj["$ref"].split("/")[-2:]
        obj = doc["components"][kind][name]
    return obj


def _operations(doc):
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_error_component_is_spec_section_8(doc, api):
    error = doc["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    body = _resolve(doc, error["properties"]["error"])
    assert set(body["properties"]) == {"code", "message", "fields"}
    assert set(body["required"]) == {"code", "message", "fields"}
    assert body["properties"]["code"]["type"] == "string"
    assert body["properties"]["fields"]["additionalProperties"]["items"]["type"] == "string"
    # and the answers have that shape
    payload = api().get("/me").get_json()
    assert set(payload) == {"error"} and set(payload["error"]) == {"code", "message", "fields"}


def test_every_operation_documents_its_error_statuses(doc):
    seen = 0
    for path, method, op in _operations(doc):
        responses = op["responses"]
        assert "default" not in responses, (method, path)
        assert {"422", "429"} <= set(responses), (method, path)
        if op.get("security") and {} not in op["security"]:
            assert {"401", "403", "404"} <= set(responses), (method, path)
        if method != "get":
            assert "409" in responses, (method, path)
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                schema = _resolve(doc, response)["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
        seen += 1
    assert seen >= 39


def test_required_body_properties_are_marked(doc):
    def required(path, method):
        schema = doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        return set(_resolve(doc, schema).get("required", []))

    assert required("/api/v1/tokens", "post") == {"username", "password"}
    assert {"title", "date", "theme"} <= required("/api/v1/activities", "post")
    assert required("/api/v1/activities/{activity_id}", "patch") == set()
    assert required("/api/v1/contacts", "post") == {"worker_id", "date", "channel"}
    assert required("/api/v1/users", "post") == {"username", "password", "name", "role"}


def test_tokens_without_required_fields_is_422_naming_them(api, db):
    resp = api().post("/tokens", json={})
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"username", "password"}


def test_attachment_upload_documents_its_multipart_body(doc):
    op = doc["paths"]["/api/v1/activities/{activity_id}/attachments"]["post"]
    schema = op["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["files"]["items"]["format"] == "binary"


def test_published_assessment_is_documented_public(doc):
    op = doc["paths"]["/api/v1/assessments/{assessment_id}"]["get"]
    assert {} in op["security"] and {"bearerAuth": []} in op["security"]


def test_ids_in_paths_are_bounded(doc):
    for path, item in doc["paths"].items():
        for param in item.get("parameters", []):
            if param["schema"]["type"] == "integer":
                assert param["schema"]["maximum"] == 2**31 - 1, path


def test_405_answers_carry_allow(client, db):
    resp = client.put("/api/v1/me")
    assert resp.status_code == 405
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET"}
    assert resp.get_json()["error"]["code"] == "method_not_allowed"
    page = client.delete("/login")
    assert page.status_code == 405 and "POST" in page.headers["Allow"]


def test_the_token_answer_documents_its_login_notice(client, db):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    token = schemas["Token"]["properties"]
    assert "login_notice" in token
    notice = schemas["LoginNotice"]["properties"]
    assert set(notice) == {"failures", "last_address", "last_at"}
    assert notice["last_at"]["format"] == "date-time"
