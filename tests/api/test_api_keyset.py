"""SPEC §8 keyset pagination: every API list takes ?after=CURSOR → {items, next, per_page}; paging
through with `after` gives the same rows in the same order as ?page=, at a constant number of SQL
statements per page; a bad cursor answers 422 naming `after`."""
from datetime import UTC, date, datetime, timedelta

import pytest

from models import Notification
from models.enums import ActivityStatus, AppealStatus, UnitKind
from tests.conftest import count_statements
from tests.support import factories


def _fill(w, db):
    """Enough rows in every list, with ties in the leading sort key (same date, same time)."""
    reps = [w.rep_a, w.rep_a2]
    for i in range(7):
        rep = reps[i % 2]
        worker = factories.worker(linked_by=rep)
        factories.contact(rep, worker, day=date(2026, 3, 1 + i // 3))
        factories.activity(rep, date=date(2026, 2, 1 + i // 3),
                           status=ActivityStatus.VERIFIED if i % 3 else ActivityStatus.SUBMITTED)
        factories.appeal(rep, status=AppealStatus.RECEIVED)
        factories.unit(kind=UnitKind.PROVINCIAL_SOCIETY)
        factories.round_(year=2030 + i, deadline=date(2030 + i, 6, 30))
    same = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    for i in range(7):
        db.session.add(Notification(user_id=w.admin.id, kind="k", title=f"通知{i}", body="",
                                    link="", created_at=same - timedelta(hours=i // 3),
                                    read_at=same if i % 2 else None))
    for i in range(5):
        factories.representative(w.home_a, username=f"extra_rep_{i}")
    units = [factories.unit(kind=UnitKind.PROVINCIAL_SOCIETY) for _ in range(5)]
    rounds = [factories.round_(year=2040 + i, deadline=date(2040 + i, 6, 30)) for i in range(2)]
    for u in units[:3]:
        factories.application(u, rounds[0])
    for u in units[3:]:
        factories.home(u)
    db.session.commit()


LISTS = ["/activities", "/appeals", "/contacts", "/homes", "/notifications", "/rounds", "/units",
         "/users", "/applications", "/workers"]


def _who(w, path):
    return w.rep_a if path == "/workers" else w.admin


def _walk(api_client, path, per_page):
    """All items through ?after=, with the statements each page took."""
    items, counts, cursor, pages = [], [], "", 0
    while True:
        sep = "&" if "?" in path else "?"
        with count_statements() as statements:
            resp = api_client.get(f"{path}{sep}per_page={per_page}&after={cursor}")
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        assert set(body) == {"items", "next", "per_page"}
        assert body["per_page"] == per_page
        items += body["items"]
        counts.append(len(statements))
        pages += 1
        assert pages < 100
        if body["next"] is None:
            return items, counts
        assert len(body["items"]) == per_page
        cursor = body["next"]


def _paged(api_client, path, per_page):
    items, page = [], 1
    while True:
        sep = "&" if "?" in path else "?"
        body = api_client.get(f"{path}{sep}per_page={per_page}&page={page}").get_json()
        assert set(body) == {"items", "total", "page", "per_page"}
        items += body["items"]
        if page * per_page >= body["total"]:
            assert len(items) == body["total"]
            return items
        page += 1


@pytest.mark.parametrize("path", LISTS)
def test_after_pages_through_the_same_rows_as_page(world, db, api, path):
    _fill(world, db)
    client = api(_who(world, path))
    by_page = _paged(client, path, 2)
    assert len(by_page) >= 3
    by_cursor, counts = _walk(client, path, 2)
    assert [i["id"] for i in by_cursor] == [i["id"] for i in by_page]
    assert by_cursor == by_page
    # Constant statements per page, from the first page to the last (token lookup included).
    assert len(set(counts)) == 1, counts


def test_filters_apply_to_keyset_pages(world, db, api):
    _fill(world, db)
    client = api(world.admin)
    path = f"/activities?status=verified&home_id={world.home_a.id}"
    by_cursor, _ = _walk(client, path, 3)
    assert by_cursor == _paged(client, path, 3)
    assert by_cursor and all(i["status"] == "verified" for i in by_cursor)


def test_scoped_keyset_pages_stay_in_scope(world, db, api):
    _fill(world, db)
    factories.activity(world.rep_b, status=ActivityStatus.VERIFIED)
    db.session.commit()
    items, _ = _walk(api(world.manager_a), "/activities", 2)
    assert items and {i["home_id"] for i in items} == {world.home_a.id}


def test_last_page_has_null_next_and_empty_list_too(world, db, api):
    client = api(world.admin)
    body = client.get("/activities?after=").get_json()
    assert body == {"items": [], "next": None, "per_page": 20}
    factories.activity(world.rep_a)
    db.session.commit()
    body = client.get("/activities?after=&per_page=1").get_json()
    assert len(body["items"]) == 1 and body["next"] is None


def test_keyset_statements_do_not_grow_with_the_data(world, db, api):
    client = api(world.admin)
    for _ in range(3):
        factories.activity(world.rep_a, status=ActivityStatus.VERIFIED)
    db.session.commit()
    with count_statements() as small:
        client.get("/activities?after=&per_page=2")
    for i in range(30):
        factories.activity(world.rep_a2, status=ActivityStatus.VERIFIED, date=date(2026, 1, 1 + i))
    db.session.commit()
    _, counts = _walk(client, "/activities", 2)
    assert set(counts) == {len(small)}


@pytest.mark.parametrize("cursor", ["%%%", "bm90LWpzb24", "W10", "WyJhcHBlYWxzIixbMV1d",
                                    "WyJhY3Rpdml0aWVzIixbMSwxXV0", "WyJhY3Rpdml0aWVzIixbIngiXV0",
                                    "4pyTIMOgIGxhIG1vZGU"])
def test_bad_cursor_is_422_naming_after(world, db, api, cursor):
    resp = api(world.admin).get(f"/activities?after={cursor}")
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "validation_error" and "after" in error["fields"]


def test_cursor_of_another_list_is_refused(world, db, api):
    _fill(world, db)
    client = api(world.admin)
    cursor = client.get("/appeals?after=&per_page=1").get_json()["next"]
    assert cursor
    resp = client.get(f"/activities?after={cursor}")
    assert resp.status_code == 422 and "after" in resp.get_json()["error"]["fields"]


def test_cursor_is_opaque(world, db, api):
    _fill(world, db)
    cursor = api(world.admin).get("/activities?after=&per_page=1").get_json()["next"]
    assert "2026" not in cursor and "," not in cursor and "=" not in cursor


def test_keyset_needs_a_token(client, db):
    resp = client.get("/api/v1/activities?after=")
    assert resp.status_code == 401


def test_per_page_limit_holds_with_after(world, db, api):
    resp = api(world.admin).get("/activities?after=&per_page=101")
    assert resp.status_code == 422 and "per_page" in resp.get_json()["error"]["fields"]
