"""A sci-tech worker's identity across Homes (SPEC §3 "Worker identity"): normalised names, linking
by mobile only under the same name, a 409 that reveals nothing, stored fields changed only through a
Home that already links the worker, workers without a mobile made once, a per-user creation limit."""
import json

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Import, Worker, WorkerLink
from services.validation import normalize_name
from tests.conftest import make_app
from tests.support import factories as f
from tests.support.import_files import WORKER_HEADER, upload, xlsx

STORED = {"name": "古丽米热·艾比布力", "work_unit": "新疆大学化学学院", "field": "化学",
          "mobile": "13955556666", "email": "guli.secret@example.cn"}
DOTS = ["\u30fb", "\u2022", "\uff0e", "\u2027", "\uff65", ".", " \u00b7 "]


def _count(model):
    return _db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _reveals_nothing(text: str) -> None:
    for value in ("古丽米热", "艾比布力", "新疆大学", "guli.secret", "13955556666", "5666"):
        assert value not in text, value


@pytest.fixture()
def stored(world):
    """Home B's worker, linked by rep_b."""
    worker = f.worker(linked_by=world.rep_b, **STORED)
    _db.session.commit()
    return worker


@pytest.mark.parametrize("dot", DOTS)
def test_names_compare_with_every_middle_dot_full_width_and_spaces(dot):
    assert normalize_name(f" 古丽米热{dot}艾比布力 ") == normalize_name(STORED["name"])
    assert normalize_name("ＬＩ　Ｍｉｎｇ") == normalize_name("LI Ming") == "LIMing"
    assert normalize_name("王 研究员") != normalize_name("王研究")


@pytest.mark.parametrize("dot", DOTS)
def test_post_workers_links_a_known_mobile_under_the_same_normalised_name(world, api, stored, dot):
    resp = api(world.rep_a).post("/workers", json={"name": f"古丽米热{dot}艾比布力",
                                                   "mobile": "+86 139-5555-6666"})
    assert resp.status_code == 201 and resp.get_json()["id"] == stored.id
    assert _count(Worker) == 1
    assert _db.session.get(WorkerLink, (world.rep_a.id, stored.id)) is not None
    assert _db.session.get(Worker, stored.id).name == STORED["name"]  # stored as written


def test_post_workers_with_a_known_mobile_under_another_name_is_a_409_revealing_nothing(
        world, api, stored):
    resp = api(world.rep_a).post("/workers", json={"name": "随便编的名字", "mobile": "13955556666",
                                                   "work_unit": "某单位"})
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["error"]["code"] == "conflict" and list(body["error"]["fields"]) == ["mobile"]
    assert "省科协办公室" in body["error"]["message"]
    _reveals_nothing(resp.get_data(as_text=True))
    assert _count(Worker) == 1 and _count(WorkerLink) == 1
    assert _db.session.get(Worker, stored.id).work_unit == STORED["work_unit"]


def test_the_link_page_asks_for_the_name_and_refuses_another(world, login, stored):
    client = login(world.rep_a)
    resp = client.post("/me/workers", data={"action": "link", "link-mobile": "13955556666",
                                            "link-name": "张三"})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "省科协办公室更正" in html
    _reveals_nothing(html.replace('value="13955556666"', ""))
    resp = client.post("/me/workers", data={"action": "link", "link-mobile": "13955556666",
                                            "link-name": ""})
    assert resp.status_code == 422 and "请填写姓名" in resp.get_data(as_text=True)
    assert _db.session.get(WorkerLink, (world.rep_a.id, stored.id)) is None


def test_the_add_form_with_a_known_mobile_under_another_name_is_refused(world, login, stored):
    resp = login(world.rep_a).post("/me/workers", data={
        "action": "add", "add-name": "李四", "add-mobile": "13955556666"})
    assert resp.status_code == 409
    _reveals_nothing(resp.get_data(as_text=True).replace('value="13955556666"', ""))
    assert _count(Worker) == 1


def test_a_worker_without_mobile_is_not_made_twice_by_one_representative(world, api):
    rep = api(world.rep_a)
    first = rep.post("/workers", json={"name": "阿依古丽·买买提", "work_unit": "南京大学"})
    assert first.status_code == 201
    again = rep.post("/workers", json={"name": " 阿依古丽・买买提", "work_unit": "南京大学 "})
    assert again.status_code == 409 and "name" in again.get_json()["error"]["fields"]
    other_unit = rep.post("/workers", json={"name": "阿依古丽·买买提", "work_unit": "东南大学"})
    assert other_unit.status_code == 201
    # another representative's namesake is another person as far as the platform can tell
    assert api(world.rep_a2).post("/workers", json={"name": "阿依古丽·买买提",
                                                    "work_unit": "南京大学"}).status_code == 201
    assert _count(Worker) == 3


@pytest.fixture()
def limited_app(db):
    """An app with limits on; the Limiter object is shared by every app of the session, so it is
    reset and switched back off afterwards."""
    from extensions import limiter
    app = make_app(RATELIMIT_ENABLED=True, WORKER_CREATE_RATE_LIMIT="3 per hour",
                   RATELIMIT_STORAGE_URI="memory://")
    limiter.reset()
    yield app
    limiter.reset()
    limiter.enabled = False


def test_worker_creation_is_limited_per_user(limited_app, world):
    app = limited_app
    client = app.test_client()
    headers = {"Authorization": "Bearer " + client.post(
        "/api/v1/tokens", json={"username": "rep_a", "password": f.PASSWORD}).get_json()["token"]}
    codes = [client.post("/api/v1/workers", headers=headers,
                         json={"name": f"工作者{i}", "work_unit": "南大"}).status_code
             for i in range(4)]
    assert codes == [201, 201, 201, 429]
    resp = client.post("/api/v1/workers", headers=headers, json={"name": "又一个"})
    assert resp.get_json()["error"]["code"] == "rate_limited"
    # the page draws on the same bucket; another representative has their own
    page = app.test_client()
    page.post("/login", data={"username": "rep_a", "password": f.PASSWORD})
    assert page.post("/me/workers", data={"action": "add", "add-name": "页面"}).status_code == 429
    page.post("/logout")
    page.post("/login", data={"username": "rep_a2", "password": f.PASSWORD})
    assert page.post("/me/workers", data={"action": "add", "add-name": "页面"}).status_code == 302


# --- imports (SPEC §5.8) ------------------------------------------------------------------

def _worker_rows(*rows):
    return xlsx(WORKER_HEADER, [list(r) for r in rows])


def test_import_refuses_a_name_mismatch_on_the_mobile_column_revealing_nothing(world, api, stored):
    resp = upload(api(world.manager_a), "workers",
                  _worker_rows(("冒名者", "某单位", "", "13955556666", "", "rep_a")))
    body = resp.get_json()
    assert resp.status_code == 200 and body["created"] == 0 and body["updated"] == 0
    assert [(r["row"], r["column"]) for r in body["refused"]] == [(2, "手机号")]
    assert "省科协办公室" in body["refused"][0]["message"]
    _reveals_nothing(json.dumps(body, ensure_ascii=False))


def test_import_matching_another_homes_worker_only_adds_the_link(world, api, stored):
    rows = _worker_rows(("古丽米热・艾比布力", "改过的单位", "改过的领域", "139 5555 6666",
                         "new@example.cn", "rep_a"))
    manager = api(world.manager_a)
    dry = upload(manager, "workers", rows).get_json()
    assert (dry["created"], dry["updated"], dry["unchanged"], dry["refused"]) == (0, 1, 0, [])
    record = _db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    _reveals_nothing(json.dumps(record.preview, ensure_ascii=False).replace("古丽米热・艾比布力", ""))
    assert upload(manager, "workers", rows, dry_run=False).status_code == 200
    worker = _db.session.get(Worker, stored.id)
    assert (worker.work_unit, worker.field, worker.email) == (
        STORED["work_unit"], STORED["field"], STORED["email"])  # nothing overwritten
    assert _db.session.get(WorkerLink, (world.rep_a.id, stored.id)) is not None
    # Home A now links the worker: its next import may change the fields it wrote differently
    again = upload(manager, "workers", rows).get_json()
    assert (again["updated"], again["unchanged"]) == (1, 0)
    assert upload(manager, "workers", rows, dry_run=False).status_code == 200
    assert _db.session.get(Worker, stored.id).work_unit == "改过的单位"
    # …and then the same file is unchanged
    assert upload(manager, "workers", rows).get_json()["unchanged"] == 1


def test_import_matches_a_worker_without_mobile_by_normalised_name_and_unit(world, api):
    f.worker(linked_by=world.rep_a, name="买买提·艾力", work_unit="南京大学", mobile=None)
    _db.session.commit()
    body = upload(api(world.manager_a), "workers", _worker_rows(
        ("买买提．艾力", "南京大学", "", "", "", "rep_a2"),
        ("买买提 • 艾力", "南京大学", "", "", "", "rep_a"))).get_json()
    assert body["created"] == 0
    assert [(r["row"], r["column"]) for r in body["refused"]] == [(3, "姓名")]  # same pair twice
