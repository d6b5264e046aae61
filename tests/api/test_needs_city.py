"""A city administrator reads, and only reads, the needs dispatched to the Homes of its city
(SPEC §5.12), with contact mobiles masked (§4, §5.11)."""
import pytest

from extensions import db as _db
from models.enums import NeedStatus, Role
from tests.support import factories
from tests.support.needs import need


@pytest.fixture()
def city(world):
    admin = factories.user(Role.CITY_ADMIN, username="nanjing_city", city="南京市")
    home_a_city = world.home_a.unit.city
    other = "苏州市" if home_a_city != "苏州市" else "无锡市"
    admin.city = home_a_city
    world.home_b.unit.city = other
    inside = need(NeedStatus.DISPATCHED, home=world.home_a)
    outside = need(NeedStatus.DISPATCHED, home=world.home_b)
    _db.session.commit()
    return admin, inside, outside


def test_city_admin_reads_its_citys_needs_masked(client, world, api, city):
    admin, inside, outside = city
    caller = api(admin)
    listed = caller.get("/needs").get_json()
    assert [item["id"] for item in listed["items"]] == [inside.id]
    one = caller.get(f"/needs/{inside.id}")
    assert one.status_code == 200
    assert one.get_json()["contact_mobile"] == "139****5678"
    assert caller.get(f"/needs/{outside.id}").status_code == 404


def test_city_admin_changes_no_need(client, world, api, city):
    admin, inside, _outside = city
    caller = api(admin)
    assert caller.post(f"/needs/{inside.id}/decline", json={"reason": "x"}).status_code == 403
    assert caller.post(f"/needs/{inside.id}/assign",
                       json={"representative_ids": [world.rep_a.id]}).status_code == 403
