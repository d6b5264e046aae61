"""Keyword search over activities in every list (SPEC §6 lists; issue 16): substring matching that
works for Chinese, scope and filters kept, statement counts constant."""
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db
from models.enums import ActivityStatus, Theme
from services.activities import search
from tests.support import factories as f


@pytest.fixture()
def acts(world):
    w = world
    w.joint = f.activity(w.rep_a, title="党建带科建联动推进会", date=date(2026, 3, 1),
                         theme=Theme.PARTY_BUILDING, kind="joint_building")
    w.summary_hit = f.activity(w.rep_a2, title="青年沙龙", date=date(2026, 3, 2),
                               summary="围绕基层党建工作开展交流", theme=Theme.INNOVATION,
                               kind="salon", status=ActivityStatus.VERIFIED)
    w.other = f.activity(w.rep_a, title="进社区科普", date=date(2026, 3, 3),
                         summary="科普讲座", theme=Theme.NEIGHBORHOOD, kind="community")
    w.percent = f.activity(w.rep_a, title="完成率100%的活动", date=date(2026, 3, 4),
                           summary="统计", status=ActivityStatus.VERIFIED)
    w.foreign = f.activity(w.rep_b, title="苏州党建交流", date=date(2026, 3, 5))
    db.session.commit()
    return w


def _ids(resp):
    return {item["id"] for item in resp.get_json()["items"]}


def test_two_characters_inside_a_longer_word(acts, api):
    admin = api(acts.admin)
    assert _ids(admin.get("/activities?q=党建")) == {acts.joint.id, acts.summary_hit.id,
                                                     acts.foreign.id}
    assert _ids(admin.get("/activities?q=科建联动")) == {acts.joint.id}


def test_organiser_name_matches(acts, api):
    assert _ids(api(acts.admin).get("/activities?q=代表乙")) == {acts.summary_hit.id}


def test_wildcards_match_themselves(acts, api):
    admin = api(acts.admin)
    assert _ids(admin.get("/activities?q=%25")) == {acts.percent.id}
    assert _ids(admin.get("/activities?q=_")) == set()
    assert _ids(admin.get("/activities?q=100%25的")) == {acts.percent.id}


def test_blank_keyword_is_no_filter(acts, api):
    assert api(acts.admin).get("/activities?q=%20%20").get_json()["total"] == 5


def test_scope_is_kept(acts, api):
    assert _ids(api(acts.rep_b).get("/activities?q=党建")) == {acts.foreign.id}
    assert _ids(api(acts.manager_a).get("/activities?q=党建")) == {acts.joint.id,
                                                                   acts.summary_hit.id}
    assert _ids(api(acts.rep_a).get("/activities?q=党建")) == {acts.joint.id}


def test_combined_with_filters(acts, api):
    admin = api(acts.admin)
    assert _ids(admin.get("/activities?q=党建&status=verified")) == {acts.summary_hit.id}
    assert _ids(admin.get(f"/activities?q=党建&home_id={acts.home_b.id}")) == {acts.foreign.id}
    assert _ids(admin.get("/activities?q=党建&theme=innovation")) == {acts.summary_hit.id}
    assert _ids(admin.get("/activities?q=党建&year=2025")) == set()


def test_normalize():
    assert search.normalize("  党建 \t 联动 ") == "党建 联动"
    assert search.normalize(None) == ""
    assert len(search.normalize("字" * 80)) == search.MAX_LENGTH


def _rows(html):
    import re
    return set(map(int, re.findall(r'data-activity-id="(\d+)"', html)))


def test_representative_list(acts, login):
    page = login(acts.rep_a).get("/me/activities?q=党建").get_data(as_text=True)
    assert 'value="党建"' in page
    assert f'/me/activities/{acts.joint.id}"' in page
    assert f'/me/activities/{acts.other.id}"' not in page
    empty = login(acts.rep_a).get("/me/activities?q=不存在的词").get_data(as_text=True)
    assert "没有找到包含“不存在的词”的活动" in empty


def test_queue(acts, login):
    page = login(acts.manager_a).get("/manage/queue?q=党建").get_data(as_text=True)
    assert _rows(page) == {acts.joint.id}
    page = login(acts.manager_a).get("/manage/queue?q=社区").get_data(as_text=True)
    assert _rows(page) == {acts.other.id}
    page = login(acts.admin).get("/manage/queue?q=党建").get_data(as_text=True)
    assert _rows(page) == {acts.joint.id, acts.foreign.id}


def test_manager_and_admin_lists(acts, login):
    page = login(acts.manager_a).get("/manage/activities?q=党建").get_data(as_text=True)
    assert _rows(page) == {acts.joint.id, acts.summary_hit.id}
    page = login(acts.manager_a).get("/manage/activities?q=党建&status=submitted").get_data(
        as_text=True)
    assert _rows(page) == {acts.joint.id}
    page = login(acts.admin).get("/manage/activities?q=党建").get_data(as_text=True)
    assert _rows(page) == {acts.joint.id, acts.summary_hit.id, acts.foreign.id}
    page = login(acts.admin).get(f"/manage/activities?q=党建&home_id={acts.home_b.id}").get_data(
        as_text=True)
    assert _rows(page) == {acts.foreign.id}
    # A manager's home_id is ignored: the scope stays the manager's Home.
    page = login(acts.manager_a).get(f"/manage/activities?home_id={acts.home_b.id}").get_data(
        as_text=True)
    assert acts.foreign.id not in _rows(page) and acts.joint.id in _rows(page)


@pytest.mark.parametrize("who, status", [("rep_a", 403), ("manager_a", 200), ("admin", 200)])
def test_activity_list_access(world, login, who, status):
    assert login(getattr(world, who)).get("/manage/activities").status_code == status


def test_activity_list_anonymous(world, client):
    resp = client.get("/manage/activities")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_nav_links(world, login):
    assert 'href="/records/"' in login(world.rep_a).get("/me/").get_data(as_text=True)
    assert 'href="/manage/activities"' in login(world.manager_a).get("/manage/queue").get_data(
        as_text=True)


def _grow(world, n):
    for i in range(n):
        f.activity(world.rep_a, title=f"党建活动{i}", date=date(2026, 1, 1 + i % 28))
    db.session.commit()


@pytest.mark.parametrize("who, path", [
    ("rep_a", "/me/activities?q=党建"), ("manager_a", "/manage/activities?q=党建"),
    ("manager_a", "/manage/queue?q=党建"), ("admin", "/manage/activities?q=党建"),
])
def test_statement_count_does_not_grow(world, login, statement_counter, who, path):
    client = login(getattr(world, who))
    _grow(world, 2)
    with statement_counter() as small:
        assert client.get(path).status_code == 200
    _grow(world, 30)
    with statement_counter() as large:
        assert client.get(path).status_code == 200
    assert len(large) == len(small)


def test_api_statement_count_does_not_grow(world, api, statement_counter):
    client = api(world.manager_a)
    _grow(world, 2)
    with statement_counter() as small:
        client.get("/activities?q=党建")
    _grow(world, 30)
    with statement_counter() as large:
        client.get("/activities?q=党建")
    assert len(large) == len(small)


def test_trigram_indexes_exist_on_postgresql_only(db):
    names = {ix["name"] for ix in sa.inspect(db.engine).get_indexes("activities")}
    trigram = {"ix_activities_title_trgm", "ix_activities_summary_trgm"}
    if db.engine.dialect.name == "postgresql":
        assert trigram <= names
    else:
        assert not trigram & names


def test_latin_letters_ignore_case(world, api):
    hit = f.activity(world.rep_a, title="AI 赋能科普沙龙", date=date(2026, 4, 1))
    db.session.commit()
    assert _ids(api(world.admin).get("/activities?q=ai")) == {hit.id}
    assert _ids(api(world.admin).get("/activities?q=Ai%20赋能")) == {hit.id}
