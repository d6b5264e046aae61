"""Bodies are bounded before they are read (SPEC §10): 1 MB for every route but the upload routes,
413 on the declared length without reading a byte, and no body read for a URL no route takes."""
import json
import time

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from tests.support import factories as f

MB = 1024 * 1024


class UnreadableBody:
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = readinto = read

    def __iter__(self):
        raise AssertionError("the body was read")


def post_unread(client, path, length, content_type="application/json", headers=None):
    """POST to `path` declaring `length` bytes of body that must never be read."""
    environ = EnvironBuilder(path=path, method="POST", content_type=content_type,
                             headers=headers or {}).get_environ()
    environ.update({"wsgi.input": UnreadableBody(), "CONTENT_LENGTH": str(length)})
    return client.open(Request(environ))


@pytest.mark.parametrize("path", ["/healthz", "/no/such/page", "/api/v1/no-such", "/login",
                                  "/api/v1/tokens", "/api/v1/activities",
                                  "/api/v1/public/needs"])
def test_fifty_megabytes_of_json_answer_413_unread(client, path):
    resp = post_unread(client, path, 50 * MB)
    assert resp.status_code == 413
    if path.startswith("/api/"):
        error = resp.get_json()["error"]
        assert error["code"] == "payload_too_large" and "1 MB" in error["fields"]["body"][0]
    else:
        assert "1 MB" in resp.get_data(as_text=True)


def test_a_form_over_one_megabyte_is_413_too(client):
    resp = post_unread(client, "/login", MB + 1, content_type="application/x-www-form-urlencoded")
    assert resp.status_code == 413 and "请求内容过大" in resp.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/no/such/page", "/api/v1/no-such", "/healthz"])
def test_a_url_no_route_takes_never_reads_its_body(client, path):
    resp = post_unread(client, path, 1000)
    assert resp.status_code in (404, 405)


def test_one_megabyte_is_read_one_more_byte_is_not(world, api):
    rep = api(world.rep_a)
    filler = "x" * (MB - 200)
    body = json.dumps({"title": filler})
    assert len(body.encode()) <= MB
    resp = rep.client.post("/api/v1/activities", data=body, content_type="application/json",
                           headers=rep._headers())
    assert resp.status_code == 422  # read and checked: the fields are wrong, not the size
    over = json.dumps({"title": "x" * (MB + 1)})
    resp = rep.client.post("/api/v1/activities", data=over, content_type="application/json",
                           headers=rep._headers())
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "payload_too_large"


def test_upload_routes_take_their_files_and_no_more(world, api):
    rep = api(world.rep_a)
    activity = f.activity(world.rep_a)
    from extensions import db
    db.session.commit()
    path = f"/api/v1/activities/{activity.id}/attachments"
    resp = post_unread(rep.client, path, 101 * MB + 1, content_type="multipart/form-data; boundary=x",
                       headers=rep._headers())
    assert resp.status_code == 413
    # Two megabytes are an upload's business: read, then refused for their content (not their size)
    resp = rep.client.post(path, data={"files": [(__import__("io").BytesIO(b"x" * 2 * MB), "a.pdf")]},
                           headers=rep._headers())
    assert resp.status_code == 422
    resp = post_unread(rep.client, "/api/v1/imports/workers", 6 * MB + 1,
                       content_type="multipart/form-data; boundary=x", headers=rep._headers())
    assert resp.status_code == 413


def test_the_openapi_document_declares_413_on_every_write(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method in ("post", "put", "patch", "delete"):
                assert "413" in operation["responses"], (method, path)


# ------------------------------------------------------------------ lists in a body

def test_a_list_of_200000_ids_is_refused_at_once(world, api):
    rep = api(world.rep_a)
    started = time.perf_counter()
    resp = rep.post("/activities", json={"worker_ids": [1] * 200_000})
    assert time.perf_counter() - started < 5
    assert resp.status_code == 422
    assert "1000" in resp.get_json()["error"]["fields"]["worker_ids"][0]


def test_a_page_form_with_more_than_1000_values_of_a_field_is_refused(world, login):
    client = login(world.rep_a)
    resp = client.post("/me/activities/new", data={"title": "x", "worker_ids": ["1"] * 1001})
    assert resp.status_code == 422 and "最多1000项" in resp.get_data(as_text=True)


def test_id_list_is_linear_and_capped():
    from services.activities.inputs import MAX_IDS, id_list
    from services.errors import Collector

    errors = Collector()
    started = time.perf_counter()
    assert id_list(errors, {"worker_ids": list(range(1, 200_001))}, "worker_ids") is None
    assert "最多1000个" in errors.fields["worker_ids"][0]
    ids = [str(n) for n in range(MAX_IDS, 0, -1)]
    assert id_list(Collector(), {"worker_ids": ids}, "worker_ids") == list(range(MAX_IDS, 0, -1))
    assert id_list(Collector(), {"worker_ids": [3, "3", 3.0, 2]}, "worker_ids") == [3, 2]
    bad = Collector()
    assert id_list(bad, {"worker_ids": ["9" * 5000]}, "worker_ids") is None  # no digit-limit error
    assert time.perf_counter() - started < 1
