"""The activity filters: one validator (services.activities.read_filters) with two renderings —
the API refuses a bad value with 422 naming the field (SPEC §8), pages show the list without it and
say "已忽略无效的筛选条件" — and one query builder that gives pages and API the same rows."""
import re
from datetime import date

import pytest

from extensions import db
from models.enums import ActivityStatus, Theme
from services import activities, clock
from tests.support import factories as f

NOTICE = "已忽略无效的筛选条件"


@pytest.fixture()
def acts(world):
    w = world
    w.draft = f.activity(w.rep_a, title="党建草稿", date=date(2025, 5, 1), status=ActivityStatus.DRAFT,
                         theme=Theme.PARTY_BUILDING, kind="joint_building")
    w.verified = f.activity(w.rep_a, title="社区科普", date=date(2026, 3, 2),
                            status=ActivityStatus.VERIFIED, theme=Theme.NEIGHBORHOOD,
                            kind="community")
    w.submitted = f.activity(w.rep_a, title="创新沙龙", date=date(2026, 4, 3),
                             status=ActivityStatus.SUBMITTED, theme=Theme.INNOVATION, kind="salon")
    w.foreign = f.activity(w.rep_b, title="苏州党建交流", date=date(2026, 3, 5),
                           status=ActivityStatus.SUBMITTED)
    db.session.commit()
    w.mine = {w.draft.id, w.verified.id, w.submitted.id}
    return w


def _api_ids(resp):
    assert resp.status_code == 200, resp.get_json()
    return {item["id"] for item in resp.get_json()["items"]}


def _page_ids(resp):
    assert resp.status_code == 200
    return set(map(int, re.findall(r'data-activity-id="(\d+)"', resp.get_data(as_text=True))))


def _refused(resp, field):
    assert resp.status_code == 422
    error = resp.get_json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == [field]
    return error["fields"][field]


BAD = [("status", "done"), ("status", "VERIFIED"), ("theme", "science"), ("year", "abc"),
       ("year", "1999"), ("year", "0"), ("year", "2026.0")]


# --- the API rendering: 422 naming the field ---------------------------------------------

@pytest.mark.parametrize("name, value", BAD + [("home_id", "abc"), ("home_id", "0"),
                                               ("home_id", "-3")])
def test_api_refuses_a_bad_filter_naming_it(acts, api, name, value):
    messages = _refused(api(acts.admin).get(f"/activities?{name}={value}"), name)
    assert messages and all(isinstance(m, str) and m for m in messages)


def test_api_names_every_bad_filter_and_only_those(acts, api):
    resp = api(acts.admin).get("/activities?status=done&theme=window&year=1999")
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"status", "year"}


def test_api_messages_say_what_is_allowed(acts, api):
    admin = api(acts.admin)
    assert "verified" in _refused(admin.get("/activities?status=done"), "status")[0]
    assert "innovation" in _refused(admin.get("/activities?theme=x"), "theme")[0]
    last = clock.today().year + 1
    assert _refused(admin.get("/activities?year=1999"), "year") == [f"年份应在2000到{last}之间"]


# --- the page rendering: 200, the bad value ignored, a visible notice ----------------------

@pytest.mark.parametrize("name, value", BAD)
def test_my_activities_ignore_a_bad_filter_with_a_notice(acts, login, name, value):
    resp = login(acts.rep_a).get(f"/me/activities?{name}={value}")
    assert _page_ids(resp) == acts.mine
    html = resp.get_data(as_text=True)
    assert NOTICE in html and 'data-testid="filter-notice"' in html


@pytest.mark.parametrize("name, value", BAD + [("home_id", "abc"), ("home_id", "0")])
def test_admin_list_ignores_a_bad_filter_with_a_notice(acts, login, name, value):
    resp = login(acts.admin).get(f"/manage/activities?{name}={value}")
    assert _page_ids(resp) == acts.mine | {acts.foreign.id}
    assert NOTICE in resp.get_data(as_text=True)


@pytest.mark.parametrize("name, value", BAD)
def test_manager_list_ignores_a_bad_filter_with_a_notice(acts, login, name, value):
    resp = login(acts.manager_a).get(f"/manage/activities?{name}={value}")
    assert _page_ids(resp) == acts.mine
    assert NOTICE in resp.get_data(as_text=True)


def test_page_keeps_the_valid_filters_beside_an_ignored_one(acts, login):
    resp = login(acts.rep_a).get("/me/activities?status=verified&theme=nope")
    assert _page_ids(resp) == {acts.verified.id}
    html = resp.get_data(as_text=True)
    assert f"{NOTICE}：主题" in html
    assert '<option value="verified" selected>' in html
    assert '<option value="">全部主题</option>' in html and "nope" not in html


@pytest.mark.parametrize("path", ["/me/activities", "/me/activities?status=&theme=&year=&q=",
                                  "/me/activities?status=draft&theme=party_building&year=2025"])
def test_no_notice_when_every_filter_is_valid_or_empty(acts, login, path):
    resp = login(acts.rep_a).get(path)
    assert resp.status_code == 200 and NOTICE not in resp.get_data(as_text=True)


# --- one query builder: pages and the API list the same rows ------------------------------

@pytest.mark.parametrize("query, expected", [
    ("status=submitted", {"submitted"}),
    ("theme=party_building", {"draft"}),
    ("year=2025", {"draft"}),
    ("year=2026&status=verified", {"verified"}),
    ("q=沙龙", {"submitted"}),
    ("status=draft&year=2026", set()),
])
def test_valid_filters_narrow_pages_and_api_alike(acts, login, api, query, expected):
    ids = {getattr(acts, name).id for name in expected}
    assert _api_ids(api(acts.rep_a).get(f"/activities?{query}")) == ids
    assert _page_ids(login(acts.rep_a).get(f"/me/activities?{query}")) == ids
    assert _page_ids(login(acts.manager_a).get(f"/manage/activities?{query}")) == ids


def test_home_filter_pages_and_api_alike(acts, login, api):
    query = f"home_id={acts.home_b.id}"
    assert _api_ids(api(acts.admin).get(f"/activities?{query}")) == {acts.foreign.id}
    assert _page_ids(login(acts.admin).get(f"/manage/activities?{query}")) == {acts.foreign.id}
    # The scope still decides: another Home named by a manager shows nothing of it.
    assert _api_ids(api(acts.manager_a).get(f"/activities?{query}")) == set()


def test_queue_keyword_uses_the_same_builder(acts, login):
    assert _page_ids(login(acts.manager_a).get("/manage/queue?q=沙龙")) == {acts.submitted.id}
    assert _page_ids(login(acts.admin).get("/manage/queue?q=党建")) == {acts.foreign.id}


# --- the validator itself -----------------------------------------------------------------

def test_read_filters_keeps_valid_values_and_names_bad_ones(app):
    with app.app_context():
        reading = activities.read_filters({"status": "verified", "theme": "bad", "year": "2026",
                                           "home_id": "7", "q": "  党建  联动 "})
    assert reading.filters == activities.ActivityFilters(status="verified", year=2026, home_id=7,
                                                         q="党建 联动")
    assert set(reading.errors) == {"theme"}
    assert reading.notice == f"{activities.IGNORED_NOTICE}：主题"


def test_read_filters_reads_only_what_it_accepts(app):
    with app.app_context():
        reading = activities.read_filters({"home_id": "abc", "year": "2026"}, ("year",))
    assert reading.errors == {} and reading.filters.home_id is None and reading.filters.year == 2026


def test_require_filters_raises_naming_the_fields(app):
    from services.errors import ValidationFailed
    with app.app_context(), pytest.raises(ValidationFailed) as caught:
        activities.require_filters({"year": 1999, "home_id": True})
    assert set(caught.value.fields) == {"year", "home_id"}


@pytest.mark.parametrize("who, path, visible", [
    ("rep_b", "/me/activities", {"foreign"}),
    ("manager_b", "/manage/activities", {"foreign"}),
    ("rep_a2", "/me/activities", set()),
])
def test_filters_never_widen_the_scope(acts, login, who, path, visible):
    """Another Home's (or another representative's) activities stay out whatever the filters say."""
    client = login(getattr(acts, who))
    expected = {getattr(acts, name).id for name in visible}
    for query in ("", f"?home_id={acts.home_a.id}", "?q=党建", "?year=2026&status=submitted",
                  "?status=bad"):
        assert _page_ids(client.get(path + query)) <= expected, query
    assert _page_ids(client.get(path)) == expected
