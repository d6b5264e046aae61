"""The five-contact rule (SPEC §5.1) at its edges, and GET /compliance (SPEC §8)."""
from datetime import date

import pytest

from extensions import db as _db
from services import compliance
from tests.conftest import count_statements
from tests.support import factories as f

YEAR = 2026


def contact_n_workers(rep, n, day=date(YEAR, 3, 1)):
    for _ in range(n):
        f.contact(rep, f.worker(linked_by=rep), day)


def test_four_distinct_workers_is_not_compliant_five_is(world):
    contact_n_workers(world.rep_a, 4)
    assert compliance.contacted_count(world.rep_a.id, YEAR) == 4
    assert not compliance.is_compliant(world.rep_a.id, YEAR)
    contact_n_workers(world.rep_a, 1)
    assert compliance.contacted_count(world.rep_a.id, YEAR) == 5
    assert compliance.is_compliant(world.rep_a.id, YEAR)


def test_same_worker_contacted_twice_counts_once(world):
    contact_n_workers(world.rep_a, 4)
    w = f.worker(linked_by=world.rep_a)
    f.contact(world.rep_a, w, date(YEAR, 3, 1))
    f.contact(world.rep_a, w, date(YEAR, 5, 1))
    assert compliance.contacted_count(world.rep_a.id, YEAR) == 5
    # a sixth record with an already-contacted worker does not make 4 distinct into 5
    rep = world.rep_a2
    contact_n_workers(rep, 3)
    w2 = f.worker(linked_by=rep)
    for month in (1, 2, 3):
        f.contact(rep, w2, date(YEAR, month, 10))
    assert compliance.contacted_count(rep.id, YEAR) == 4
    assert not compliance.is_compliant(rep.id, YEAR)


def test_year_boundaries(world):
    contact_n_workers(world.rep_a, 4)
    w = f.worker(linked_by=world.rep_a)
    f.contact(world.rep_a, w, date(YEAR - 1, 12, 31))
    assert compliance.contacted_count(world.rep_a.id, YEAR) == 4
    assert compliance.contacted_count(world.rep_a.id, YEAR - 1) == 1
    f.contact(world.rep_a, w, date(YEAR, 1, 1))
    assert compliance.contacted_count(world.rep_a.id, YEAR) == 5
    f.contact(world.rep_a, f.worker(linked_by=world.rep_a), date(YEAR + 1, 1, 1))
    assert compliance.contacted_count(world.rep_a.id, YEAR) == 5


def test_deactivated_representative_leaves_home_rate(world):
    contact_n_workers(world.rep_a, 5)
    assert compliance.home_rate(world.home_a.id, YEAR) == 0.5
    world.rep_a2.active = False
    _db.session.flush()
    assert compliance.home_rate(world.home_a.id, YEAR) == 1.0
    world.rep_a.active = False
    _db.session.flush()
    assert compliance.home_rate(world.home_a.id, YEAR) == 0


def test_home_without_representatives_has_rate_zero(db):
    empty = f.home()
    assert compliance.home_rate(empty.id, YEAR) == 0
    assert compliance.home(empty.id, YEAR).total == 0


def test_threshold_comes_from_config(world, app):
    contact_n_workers(world.rep_a, 3)
    old = app.config["CONTACT_THRESHOLD"]
    try:
        app.config["CONTACT_THRESHOLD"] = 3
        assert compliance.is_compliant(world.rep_a.id, YEAR)
        assert compliance.home_rate(world.home_a.id, YEAR) == 0.5
        app.config["CONTACT_THRESHOLD"] = 5
        assert not compliance.is_compliant(world.rep_a.id, YEAR)
    finally:
        app.config["CONTACT_THRESHOLD"] = old


# --- GET /compliance -------------------------------------------------------------------------

def test_api_shape_for_manager(world, api):
    contact_n_workers(world.rep_a, 5, date(YEAR, 2, 2))
    contact_n_workers(world.rep_a2, 4, date(YEAR, 2, 2))
    resp = api(world.manager_a).get(f"/compliance?year={YEAR}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert set(body) == {"year", "threshold", "compliance_rate", "representatives"}
    assert body["year"] == YEAR and body["threshold"] == 5 and body["compliance_rate"] == 0.5
    reps = {r["id"]: r for r in body["representatives"]}
    assert set(reps) == {world.rep_a.id, world.rep_a2.id}
    assert reps[world.rep_a.id] == {"id": world.rep_a.id, "name": "代表甲", "contacted_count": 5,
                                    "compliant": True}
    assert reps[world.rep_a2.id]["compliant"] is False


def test_api_year_defaults_to_this_year(world, api):
    from services.clock import today
    contact_n_workers(world.rep_a, 5, today())
    body = api(world.manager_a).get("/compliance").get_json()
    assert body["year"] == today().year and body["compliance_rate"] == 0.5


def test_api_scope(world, api):
    contact_n_workers(world.rep_b, 5)
    assert api(None).get("/compliance").status_code == 401
    # manager and representative of A: own Home only; another Home's id → 404
    for user in (world.manager_a, world.rep_a):
        assert api(user).get(f"/compliance?home_id={world.home_b.id}").status_code == 404
        assert api(user).get(f"/compliance?home_id={world.home_a.id}").status_code == 200
    assert api(world.manager_a).get("/compliance?home_id=99999").status_code == 404
    # a representative sees the Home's rate but only their own line
    body = api(world.rep_a).get(f"/compliance?year={YEAR}").get_json()
    assert [r["id"] for r in body["representatives"]] == [world.rep_a.id]
    # admin: a Home, or the province
    b = api(world.admin).get(f"/compliance?year={YEAR}&home_id={world.home_b.id}").get_json()
    assert b["compliance_rate"] == 1.0 and [r["id"] for r in b["representatives"]] == [world.rep_b.id]
    p = api(world.admin).get(f"/compliance?year={YEAR}").get_json()
    assert p["compliance_rate"] == pytest.approx(1 / 3)
    assert len(p["representatives"]) == 3


def test_api_bad_year(world, api):
    resp = api(world.manager_a).get("/compliance?year=abc")
    assert resp.status_code == 422 and "year" in resp.get_json()["error"]["fields"]
    resp = api(world.manager_a).get("/compliance?year=1900")
    assert resp.status_code == 422 and "year" in resp.get_json()["error"]["fields"]


def _make_reps(home, n):
    for _ in range(n):
        rep = f.representative(home)
        w = f.worker(linked_by=rep)
        f.contact(rep, w, date(YEAR, 4, 1))
        f.activity(rep, status="verified", date=date(YEAR, 4, 1))
    _db.session.commit()


def test_compliance_api_statement_count_constant(db, api):
    counts = []
    for n in (5, 200):
        home = f.home()
        manager = f.manager(home)
        _make_reps(home, n)
        client = api(manager)
        with count_statements() as statements:
            resp = client.get(f"/compliance?year={YEAR}")
        assert resp.status_code == 200
        assert len(resp.get_json()["representatives"]) == n
        counts.append(len(statements))
    assert counts[0] == counts[1]
