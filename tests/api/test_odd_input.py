"""Odd input always gets a 4xx naming the field (issue 11, items 5–9), on SQLite and PostgreSQL.

Out-of-range integers, control characters, deep JSON, several bad fields at once, lenient forms
of numbers and dates, empty PATCH bodies; and exports of text that is already stored.
"""
from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from extensions import db
from models import Activity, Appeal, ApplicationRound, ContactRecord, Worker
from services.input_rules import for_export, parse_date
from tests.support import factories as f


def body(**kw):
    data = {"theme": "neighborhood", "kind": "community", "title": "科普进社区", "date": "2026-03-02",
            "location": "鼓楼区", "mode": "offline", "participants": 30, "summary": "开展科普讲座"}
    data.update(kw)
    return data


def error_fields(resp):
    assert resp.status_code == 422, (resp.status_code, resp.get_data(as_text=True)[:300])
    payload = resp.get_json()["error"]
    assert payload["code"] == "validation_error"
    return payload["fields"]


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- 5. integers out of range -------------------------------------------------------------

@pytest.mark.parametrize("path", ["/activities/{}", "/workers/{}", "/homes/{}", "/users/{}",
                                  "/assessments/{}", "/appeals/{}"])
def test_out_of_range_id_in_path_is_the_404_of_a_missing_id(world, api, path):
    client = api(world.admin)
    missing = client.get(path.format(999999))
    for huge in (2**31, 3000000000, 10**30):
        resp = client.get(path.format(huge))
        assert resp.status_code == missing.status_code == 404
        assert resp.get_json() == missing.get_json()


def test_out_of_range_query_numbers_are_422_naming_them(world, api):
    client = api(world.admin)
    assert "home_id" in error_fields(client.get("/activities?home_id=2147483648"))
    fields = error_fields(client.get("/activities?page=862789833324703744&per_page=41"))
    assert set(fields) == {"page"}
    assert "page" in error_fields(client.get("/users?page=1" + "0" * 30))
    assert "year" in error_fields(client.get("/compliance?year=99999999999"))
    assert "home_id" in error_fields(client.get("/dashboard?home_id=2147483648"))
    assert client.get("/activities?page=2147483647&per_page=100").status_code == 200


def test_out_of_range_id_in_body_answers_like_a_missing_one(world, api):
    client = api(world.rep_a)
    base = {"date": "2026-03-01", "channel": "visit", "summary": "走访"}
    missing = error_fields(client.post("/contacts", json={**base, "worker_id": 999999}))
    huge = error_fields(client.post("/contacts", json={**base, "worker_id": 2147483648}))
    assert set(missing) == set(huge) == {"worker_id"}
    fields = error_fields(client.post("/activities", json=body(worker_ids=[2**40])))
    assert set(fields) == {"worker_ids"}
    assert set(error_fields(client.post("/activities", json=body(participants=2**31)))) == {
        "participants"}
    admin = api(world.admin)
    assert "home_id" in error_fields(admin.post("/assessments", json={"home_id": 2**31,
                                                                      "year": 2025}))
    assert count(ContactRecord) == 0 and count(Activity) == 0


def test_out_of_range_page_on_pages_is_a_chinese_422(world, login):
    client = login(world.admin)
    for query in ("page=1" + "0" * 30, "page=0", "page=-1", "home_id=2147483648"):
        resp = client.get(f"/admin/users?{query}")
        assert resp.status_code == 422, query
        text = resp.get_data(as_text=True)
        assert query.split("=")[0] in text and "应为" in text
    assert client.get("/admin/users?page=2").status_code == 200
    assert client.get("/admin/users?page=abc").status_code == 200  # no number: the first page
    assert client.get("/dashboard/?year=10000000000").status_code == 422


# --- 6. control characters ------------------------------------------------------------------

def test_control_characters_are_refused_naming_the_field(world, api):
    rep = api(world.rep_a)
    assert set(error_fields(rep.post("/activities", json=body(title="a\u0000b")))) == {"title"}
    assert set(error_fields(rep.post("/workers", json={"name": "张\u0001三"}))) == {"name"}
    assert set(error_fields(rep.post("/appeals", json={
        "category": "career", "content": "诉求\u001f内容"}))) == {"content"}
    assert set(error_fields(rep.post("/activities", json=body(
        worker_ids=[1], summary="x\u0008")))) == {"summary"}
    assert set(error_fields(rep.get("/workers?q=a%00b"))) == {"q"}
    assert count(Activity) == 0 and count(Worker) == 0 and count(Appeal) == 0


def test_tab_and_newlines_are_text_and_crlf_is_stored_as_lf(world, api):
    rep = api(world.rep_a)
    resp = rep.post("/activities", json=body(summary="第一行\r\n第二行\n\t缩进"))
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["summary"] == "第一行\n第二行\n\t缩进"
    assert db.session.scalar(sa.select(Activity.summary)) == "第一行\n第二行\n\t缩进"


def test_control_characters_in_forms_are_a_422_page(world, client):
    resp = client.post("/login", data={"username": "rep_a\u0000", "password": "x"})
    assert resp.status_code == 422
    assert "username" in resp.get_data(as_text=True)


def test_excel_export_writes_stored_control_characters(world, login):
    worker = f.worker(linked_by=world.rep_a, work_unit="某研究所\u000b第二研究室")
    f.contact(world.rep_a, worker, date(date.today().year, 1, 2))
    world.rep_a.work_unit = "单位\u0001名"
    db.session.commit()
    resp = login(world.manager_a).get("/manage/representatives/export")
    assert resp.status_code == 200
    wb = load_workbook(BytesIO(resp.data))
    units = [row[2] for row in wb["联系的科技工作者"].iter_rows(min_row=2, values_only=True)]
    assert "某研究所第二研究室" in units
    assert "单位名" in [row[2] for row in wb["代表"].iter_rows(min_row=2, values_only=True)]


def test_word_export_writes_stored_control_characters(world, login):
    from services import homes as docx_form
    application = f.application(world.home_a.unit, f.round_(), contact_name="张\u000b三",
                                scheme="方案\u0001" * 10)
    db.session.commit()
    data = docx_form.build(application)
    assert data[:2] == b"PK"
    import docx
    text = "\n".join(cell.text for t in docx.Document(BytesIO(data)).tables for row in t.rows
                     for cell in row.cells)
    assert "张三" in text


def test_for_export_drops_only_what_the_format_cannot_hold():
    assert for_export("a\u0000b\u000bc\td\ne\rf\ufffeg\ud800h") == "abc\td\ne\rfgh"
    assert for_export(12) == 12 and for_export(None) is None


# --- 7. deep JSON ---------------------------------------------------------------------------

def test_deep_json_is_a_422_body(world, api):
    rep = api(world.rep_a)
    for depth in (10000, 40):
        resp = rep.client.post("/api/v1/activities", data="[" * depth + "]" * depth,
                               content_type="application/json", headers=rep._headers())
        assert set(error_fields(resp)) == {"body"}
    nested = {"a": [[[["ok"]]]]}
    assert rep.post("/activities", json=body(extra=nested)).status_code == 201


# --- 8. every bad field named ---------------------------------------------------------------

@pytest.mark.parametrize("bad,expected", [
    ({"title": "", "date": "2026-02-30"}, {"title", "date"}),
    ({"theme": "bogus", "published": "maybe"}, {"theme", "published"}),
    ({"participants": "many", "mode": "airborne", "date": 5}, {"participants", "mode", "date"}),
])
def test_every_bad_field_is_named(world, api, bad, expected):
    rep = api(world.rep_a)
    assert set(error_fields(rep.post("/activities", json=body(**bad)))) == expected
    activity = f.activity(world.rep_a, status="draft")
    db.session.commit()
    assert set(error_fields(rep.patch(f"/activities/{activity.id}", json=bad))) == expected
    assert count(Activity) == 1
    assert db.session.get(Activity, activity.id).title == "科技工作者座谈会"


def test_required_fields_keep_the_service_words(world, api):
    fields = error_fields(api(world.rep_a).post("/activities", json={"date": "x"}))
    assert fields["title"] == ["请填写活动名称"] or fields["title"][0].startswith("请填写")
    assert fields["date"] == ["日期格式应为 YYYY-MM-DD"]


def test_a_type_error_alone_writes_nothing(world, api):
    admin = api(world.admin)
    user = f.representative(world.home_a, username="rep_z")
    db.session.commit()
    fields = error_fields(admin.patch(f"/users/{user.id}", json={"active": "perhaps"}))
    assert set(fields) == {"active"}
    assert db.session.get(type(user), user.id).active is True


# --- 9. strict parsing ----------------------------------------------------------------------

def test_fractions_are_not_integers(world, api):
    rep = api(world.rep_a)
    assert set(error_fields(rep.post("/activities", json=body(participants=1.5)))) == {
        "participants"}
    assert rep.post("/activities", json=body(participants=True)).status_code == 422
    admin = api(world.admin)
    fields = error_fields(admin.post("/rounds", json={"year": 2027, "deadline": "2027-06-30",
                                                      "quota": 1.5}))
    assert set(fields) == {"quota"}
    assert count(Activity) == 0 and count(ApplicationRound) == 0
    assert admin.post("/rounds", json={"year": 2027, "deadline": "2027-06-30",
                                       "quota": 2.0}).status_code == 201


@pytest.mark.parametrize("written", ["20260101", "2026-W01-1", "2026-1-1", "2026-01-01T00:00",
                                     " 2026-01-01", "2026-02-30"])
def test_dates_only_as_yyyy_mm_dd(world, api, written):
    rep = api(world.rep_a)
    assert set(error_fields(rep.post("/activities", json=body(date=written)))) == {"date"}
    worker = f.worker(linked_by=world.rep_a)
    db.session.commit()
    fields = error_fields(rep.post("/contacts", json={"worker_id": worker.id, "date": written,
                                                      "channel": "visit"}))
    assert set(fields) == {"date"}
    assert parse_date(written) is None
    assert parse_date("2026-01-01") == date(2026, 1, 1)


def test_patch_with_nothing_to_change_is_422_body(world, api):
    rep = api(world.rep_a)
    activity = f.activity(world.rep_a, status="draft")
    worker = f.worker(linked_by=world.rep_a)
    db.session.commit()
    for payload in ({}, {"unknown": 1}, None):
        assert set(error_fields(rep.patch(f"/activities/{activity.id}", json=payload))) == {
            "body"}, payload
    assert set(error_fields(rep.patch(f"/workers/{worker.id}", json={}))) == {"body"}
    assert set(error_fields(api(world.admin).patch(f"/users/{world.rep_b.id}", json={}))) == {
        "body"}
    assert api().patch(f"/activities/{activity.id}", json={}).status_code == 401


def test_one_spreadsheet_rule_for_every_export():
    """Excel exports (blueprints/xlsx.safe) and the import's refused-rows workbook share one rule."""
    from datetime import date

    from blueprints import xlsx
    from services.imports import workbooks as import_workbooks
    from services.input_rules import for_spreadsheet
    assert xlsx.safe is for_spreadsheet and import_workbooks._safe is for_spreadsheet
    assert for_spreadsheet("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert for_spreadsheet("-1") == "'-1" and for_spreadsheet("@x") == "'@x"
    assert for_spreadsheet("某研究所\x0b第二研究室") == "某研究所第二研究室"
    assert for_spreadsheet(-1) == -1 and for_spreadsheet(None) is None
    assert for_spreadsheet(date(2026, 1, 1)) == date(2026, 1, 1)
