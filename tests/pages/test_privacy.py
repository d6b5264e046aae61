"""SPEC §4 minimum necessary: workers' mobiles are masked for all but the representatives who
linked the worker and provincial admins — in pages, the API and the Excel export alike."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from extensions import db as _db
from services.privacy import mask_mobile, shown_mobile
from tests.support import factories as f

MOBILE = "13812345678"
MASKED = "138****5678"


@pytest.fixture()
def shared(world):
    """A worker linked by rep_a and rep_a2 (home A)."""
    w = f.worker(linked_by=world.rep_a, mobile=MOBILE, name="共享工作者")
    f.link(world.rep_a2, w)
    _db.session.commit()
    return w


def test_mask_format():
    assert mask_mobile(MOBILE) == MASKED
    assert mask_mobile("") == ""


@pytest.mark.parametrize("who, expected", [
    ("rep_a", MOBILE), ("rep_a2", MOBILE), ("admin", MOBILE), ("manager_a", MASKED),
])
def test_api_detail_and_list(world, api, shared, who, expected):
    client = api(getattr(world, who))
    assert client.get(f"/workers/{shared.id}").get_json()["mobile"] == expected
    items = client.get("/workers").get_json()["items"]
    assert [w["mobile"] for w in items if w["id"] == shared.id] == [expected]


def test_api_other_home_cannot_see_at_all(world, api, shared):
    for user in (world.rep_b, world.manager_b):
        assert api(user).get(f"/workers/{shared.id}").status_code == 404
        assert api(user).get("/workers").get_json()["items"] == []


def test_shown_mobile_per_role(world, shared):
    assert shown_mobile(world.rep_a, shared) == MOBILE
    assert shown_mobile(world.manager_a, shared) == MASKED
    assert shown_mobile(world.rep_b, shared) == MASKED
    assert shown_mobile(world.admin, shared) == MOBILE


def test_pages_representative_sees_full_number_of_own_workers(world, login, shared):
    client = login(world.rep_a)
    for url in ("/me/workers", f"/me/workers/{shared.id}"):
        assert MOBILE in client.get(url).get_data(as_text=True)


def test_pages_manager_never_sees_full_number(world, login, shared):
    f.contact(world.rep_a, shared)
    f.appeal(world.rep_a, worker_id=shared.id)
    _db.session.commit()
    client = login(world.manager_a)
    for url in ("/manage/representatives", "/manage/accounts", "/manage/appeals"):
        resp = client.get(url)
        assert resp.status_code == 200
        assert MOBILE not in resp.get_data(as_text=True), url


def test_export_masks_mobiles(world, login, shared):
    resp = login(world.manager_a).get("/manage/representatives/export")
    wb = load_workbook(BytesIO(resp.data))
    values = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
              for v in row if v is not None]
    assert MASKED in values
    assert not any(MOBILE in v for v in values)
