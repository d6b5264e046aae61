"""Crafted values never answer 500 (SPEC §10): cursors whose parts are out of their column's range,
integers with thousands of digits, dates whose arithmetic would pass year 9999, spreadsheets with XML
entities — each a 422 naming the field. Runs on SQLite and PostgreSQL (where the cursors used to
reach the database and fail there)."""
import base64
import io
import json
import re
import zipfile
from datetime import date

import pytest

from services import clock
from tests.api.test_api_keyset import LISTS, _fill, _who
from tests.support.import_files import WORKER_HEADER, upload, xlsx

OUT_OF_RANGE = [2**31, -(2**31) - 1, 2**63, 10**30]
BAD_MOMENTS = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31"]


def _decode(cursor: str):
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))


def _encode(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _variants(values: list) -> list[list]:
    """The cursor's sort values with one part at a time replaced by an out-of-range value."""
    out = []
    for i, value in enumerate(values):
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            replacements = OUT_OF_RANGE
        elif isinstance(value, str) and re.match(r"\d{4}-\d\d-\d\d", value):
            replacements = BAD_MOMENTS
        elif isinstance(value, str):
            replacements = ["\u0000", "\ud800", "x" * 5000]
        else:
            replacements = [float("nan"), float("inf")]
        out.extend(values[:i] + [r] + values[i + 1:] for r in replacements)
    return out


@pytest.mark.parametrize("path", LISTS)
def test_out_of_range_cursor_parts_answer_422_naming_after(world, db, api, path):
    _fill(world, db)
    client = api(_who(world, path))
    first = client.get(f"{path}?per_page=1&after=")
    assert first.status_code == 200
    tag, values = _decode(first.get_json()["next"])
    variants = _variants(values)
    assert variants
    for crafted in variants:
        raw = json.dumps([tag, crafted])  # NaN and lone surrogates as json writes them
        cursor = base64.urlsafe_b64encode(raw.encode("utf-8", "surrogatepass")).decode()
        resp = client.get(f"{path}?per_page=5&after={cursor.rstrip('=')}")
        assert resp.status_code == 422, (crafted, resp.status_code)
        assert list(resp.get_json()["error"]["fields"]) == ["after"], crafted
    assert client.get(f"{path}?after={'A' * 10000}").status_code == 422


def test_a_5000_digit_integer_in_json_is_a_422_naming_its_field(world, api):
    rep = api(world.rep_a)
    body = '{"title": "t", "participants": ' + "9" * 5000 + "}"
    resp = rep.client.post("/api/v1/activities", data=body, content_type="application/json",
                           headers=rep._headers())
    assert resp.status_code == 422 and "participants" in resp.get_json()["error"]["fields"]
    resp = rep.client.post("/api/v1/workers", data="-" + "1" * 5000,
                           content_type="application/json", headers=rep._headers())
    assert resp.status_code == 422
    resp = rep.client.post("/api/v1/contacts", content_type="application/json",
                           headers=rep._headers(),
                           data='{"worker_id": 1' + "0" * 4400 + ', "date": "2026-01-01"}')
    assert resp.status_code == 422 and "worker_id" in resp.get_json()["error"]["fields"]


def test_publishing_with_a_start_near_year_9999_is_a_422(world, api, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2027, 3, 1))
    client = api(world.admin)
    assessment = client.post("/assessments", json={"home_id": world.home_a.id, "year": 2026})
    assessment_id = assessment.get_json()["id"]
    assert client.post(f"/assessments/{assessment_id}/finalize").status_code == 200
    for start in ("9999-12-31", "9999-12-25", "2101-01-01"):
        resp = client.post(f"/assessments/{assessment_id}/publish", json={"start": start})
        assert resp.status_code == 422 and "start" in resp.get_json()["error"]["fields"], start
    resp = client.post(f"/assessments/{assessment_id}/publish", json={"start": "2027-03-02"})
    assert resp.status_code == 200


def _with_entity(doctype: str, use: str) -> bytes:
    """A workers file whose first data cell is `use`, after `doctype` in the sheet's XML."""
    src = zipfile.ZipFile(io.BytesIO(xlsx(WORKER_HEADER, [["陈静", "南大", "", "", "", "rep_a"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(r'(<c r="A2" t="inlineStr"><is><t>)[^<]*', r"\g<1>" + use,
                              doctype + data.decode())
                data = text.encode()
            dst.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("doctype, use", [
    ('<!DOCTYPE worksheet [<!ENTITY e "陈静">]>', "&e;"),
    ('<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', "&b;"),
    ('<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/hostname">]>', "&x;"),
    ("", "&undefined;"),
])
def test_a_spreadsheet_with_an_xml_entity_is_a_422_naming_the_file(world, api, doctype, use):
    resp = upload(api(world.manager_a), "workers", _with_entity(doctype, use))
    assert resp.status_code == 422
    assert list(resp.get_json()["error"]["fields"]) == ["file"]
