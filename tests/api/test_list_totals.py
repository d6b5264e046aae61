"""List totals (SPEC §8): exact up to 10,000; above, an estimate flagged `total_estimated: true`."""
import sqlalchemy as sa

from models import Unit
from models.enums import UnitKind


def _units(db, n):
    db.session.execute(sa.insert(Unit), [
        {"name": f"计数单位{i:05d}", "kind": UnitKind.ENTERPRISE_ASSOCIATION} for i in range(n)])
    db.session.commit()


def test_total_is_exact_up_to_the_limit(client, world, api, db):
    existing = db.session.scalar(sa.select(sa.func.count(Unit.id)))
    _units(db, 10_000 - existing)
    body = api(world.admin).get("/units?per_page=5").get_json()
    assert body["total"] == 10_000
    assert "total_estimated" not in body


def test_above_the_limit_the_total_is_flagged_as_estimated(client, world, api, db):
    existing = db.session.scalar(sa.select(sa.func.count(Unit.id)))
    _units(db, 10_050 - existing)
    body = api(world.admin).get("/units?per_page=5&page=3").get_json()
    assert body["total_estimated"] is True
    assert body["total"] > 10_000
    assert len(body["items"]) == 5 and body["page"] == 3
