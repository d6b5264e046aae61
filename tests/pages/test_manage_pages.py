"""Home manager pages: representatives table and export, accounts, appeals — content and access."""
from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from extensions import db as _db
from models import Appeal, Notification, User
from services import compliance
from services.clock import today
from tests.conftest import count_statements
from tests.support import factories as f

YEAR = today().year


def _contacts(rep, n, day=None):
    for _ in range(n):
        f.contact(rep, f.worker(linked_by=rep), day or date(YEAR, 1, 2))


def _table_rows(html):
    body = html.split('data-testid="representatives-table"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [r for r in body.split("<tr")[1:]]


def test_representatives_table_values(world, login):
    _contacts(world.rep_a, 5)
    _contacts(world.rep_a2, 2)
    f.activity(world.rep_a, status="verified", date=date(YEAR, 1, 3), theme="innovation", kind="salon")
    f.activity(world.rep_a, status="submitted", date=date(YEAR, 1, 4), theme="innovation", kind="salon")
    act = f.activity(world.rep_a2, status="verified", date=date(YEAR, 1, 5), theme="window")
    act.co_organizers.append(world.rep_a)
    f.representative(world.home_b, name="别家代表")
    html = login(world.manager_a).get("/manage/representatives").get_data(as_text=True)
    rows = _table_rows(html)
    assert len(rows) == 2 and "别家代表" not in html
    row_a = next(r for r in rows if "代表甲" in r)
    assert "<td>5</td>" in row_a and "✓" in row_a
    assert f"{YEAR}-01-05" in row_a  # last verified activity (co-organised)
    row_a2 = next(r for r in rows if "代表乙" in r)
    assert "<td>2</td>" in row_a2 and "✗" in row_a2
    assert "已审核活动数" in html
    assert 'data-testid="compliance-rate">50.0%' in html


def test_representatives_table_theme_counts_from_service(world):
    f.activity(world.rep_a, status="verified", date=date(YEAR, 2, 1), theme="innovation", kind="salon")
    f.activity(world.rep_a, status="verified", date=date(YEAR - 1, 2, 1), theme="innovation",
               kind="salon")
    f.activity(world.rep_a, status="submitted", date=date(YEAR, 2, 1))
    act = f.activity(world.rep_a, status="verified", date=date(YEAR, 3, 1), theme="window")
    act.co_organizers.append(world.rep_a)  # listed both ways: still once
    rows = {r.representative.id: r for r in compliance.representatives_table(
        YEAR, home_id=world.home_a.id)}
    assert rows[world.rep_a.id].themes == {"party_building": 0, "window": 1, "neighborhood": 0,
                                           "innovation": 1}
    assert rows[world.rep_a.id].last_activity == date(YEAR, 3, 1)
    assert rows[world.rep_a2.id].last_activity is None


def test_filters_and_sort(world, login):
    _contacts(world.rep_a, 5)
    _contacts(world.rep_a2, 1)
    world.rep_a2.level = "province"
    extra = f.representative(world.home_a, name="停用代表", active=False)
    client = login(world.manager_a)

    def names(query):
        rows = _table_rows(client.get(f"/manage/representatives?{query}").get_data(as_text=True))
        return [n for n in ("代表甲", "代表乙", "停用代表") for r in rows if n in r]

    assert names("compliant=yes") == ["代表甲"]
    assert sorted(names("compliant=no")) == ["代表乙", "停用代表"]
    assert names("level=province") == ["代表乙"]
    assert names("status=inactive") == ["停用代表"]
    assert sorted(names("status=active")) == ["代表乙", "代表甲"]
    assert names("q=代表乙") == ["代表乙"]
    order = [r for r in _table_rows(client.get(
        "/manage/representatives?sort=contacted&dir=desc").get_data(as_text=True))]
    assert "代表甲" in order[0] and "代表乙" in order[1] and extra.name in order[2]
    order = _table_rows(client.get(
        "/manage/representatives?sort=contacted&dir=asc").get_data(as_text=True))
    assert "代表甲" in order[-1]
    # every sort key answers
    for key in compliance.TABLE_SORTS:
        assert client.get(f"/manage/representatives?sort={key}&dir=desc").status_code == 200
    # year selector
    _contacts(world.rep_a2, 5, date(YEAR - 1, 6, 1))
    rows = _table_rows(client.get(f"/manage/representatives?year={YEAR - 1}&compliant=yes"
                                  ).get_data(as_text=True))
    assert len(rows) == 1 and "代表乙" in rows[0]


def test_export_xlsx(world, login):
    _contacts(world.rep_a, 5)
    world.rep_a2.work_unit = "=HYPERLINK(\"http://evil\")"
    w = f.worker(linked_by=world.rep_a2, name="@SUM(A1)", mobile="13912345678")
    f.contact(world.rep_a2, w, date(YEAR, 2, 2))
    resp = login(world.manager_a).get("/manage/representatives/export")
    assert resp.status_code == 200
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(BytesIO(resp.data))
    ws = wb["代表"]
    header = [c.value for c in ws[1]]
    assert header[0] == "姓名" and header[3] == f"{YEAR}年联系人数"
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"代表甲", "代表乙"}
    assert rows["代表甲"][3] == 5 and rows["代表甲"][4] == "是"
    assert rows["代表乙"][3] == 1 and rows["代表乙"][4] == "否"
    assert rows["代表乙"][2] == "'=HYPERLINK(\"http://evil\")"  # formula injection guarded
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    workers = list(wb["联系的科技工作者"].iter_rows(min_row=2, values_only=True))
    mine = next(r for r in workers if r[0] == "代表乙")
    assert mine[1] == "'@SUM(A1)"
    assert mine[4] == "139****5678" and mine[5] == 1
    assert not any("13912345678" in str(v) for r in workers for v in r)


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("正常", "正常"), (5, 5), (None, None),
])
def test_safe_cell(value, expected):
    from blueprints.manage.export import safe_cell
    assert safe_cell(value) == expected


def _reps_with_data(home, n):
    for i in range(n):
        rep = f.representative(home, name=f"代表{i:03d}")
        w = f.worker(linked_by=rep)
        f.contact(rep, w, date(YEAR, 1, 2))
        act = f.activity(rep, status="verified", date=date(YEAR, 1, 2))
        act.co_organizers.append(rep)
    _db.session.commit()


def test_table_and_export_statement_count_constant(db, login):
    counts = {"page": [], "export": []}
    for n in (5, 200):
        home = f.home()
        manager = f.manager(home)
        _reps_with_data(home, n)
        client = login(manager)
        with count_statements() as page_statements:
            resp = client.get("/manage/representatives?sort=contacted&dir=desc")
        assert resp.status_code == 200 and len(_table_rows(resp.get_data(as_text=True))) == n
        with count_statements() as export_statements:
            assert client.get("/manage/representatives/export").status_code == 200
        counts["page"].append(len(page_statements))
        counts["export"].append(len(export_statements))
    assert counts["page"][0] == counts["page"][1]
    assert counts["export"][0] == counts["export"][1]


def test_accounts_create_and_deactivate(world, login):
    client = login(world.manager_a)
    resp = client.post("/manage/accounts/new", data={"username": "newrep", "name": "新代表",
                                                     "level": "county"})
    assert resp.status_code == 303
    slip = client.get(resp.headers["Location"])
    assert slip.status_code == 200 and 'data-testid="activation-code"' in slip.get_data(as_text=True)
    user = _db.session.scalar(sa.select(User).where(User.username == "newrep"))
    assert user.home_id == world.home_a.id and user.role.value == "representative"
    resp = client.post("/manage/accounts/new", data={"username": "", "name": "", "level": ""})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "请填写用户名" in html and "请选择代表层级" in html
    resp = client.post("/manage/accounts/new", data={"username": "newrep", "name": "x",
                                                     "level": "city"})
    assert resp.status_code == 422 and "用户名已存在" in resp.get_data(as_text=True)
    # deactivation leaves the compliance rate
    _contacts(world.rep_a, 5)
    assert compliance.home(world.home_a.id, YEAR).total == 3
    assert client.post(f"/manage/accounts/{world.rep_a2.id}/active",
                       data={"active": "0"}).status_code == 302
    assert _db.session.get(User, world.rep_a2.id).active is False
    assert compliance.home(world.home_a.id, YEAR).total == 2
    assert client.post(f"/manage/accounts/{world.rep_a2.id}/active",
                       data={"active": "1"}).status_code == 302
    assert _db.session.get(User, world.rep_a2.id).active is True
    # another Home's representative: outside scope
    assert client.post(f"/manage/accounts/{world.rep_b.id}/active",
                       data={"active": "0"}).status_code == 404
    assert _db.session.get(User, world.rep_b.id).active is True
    # a fellow manager is in scope but not a representative: 403
    other = f.manager(world.home_a)
    assert client.post(f"/manage/accounts/{other.id}/active", data={"active": "0"}).status_code == 403


def test_appeals_page_actions(world, login):
    a1 = f.appeal(world.rep_a, content="诉求一")
    a2 = f.appeal(world.rep_a2, content="诉求二", category="policy")
    f.appeal(world.rep_b, content="别家诉求")
    client = login(world.manager_a)
    html = client.get("/manage/appeals").get_data(as_text=True)
    assert "诉求一" in html and "诉求二" in html and "别家诉求" not in html
    html = client.get("/manage/appeals?category=policy").get_data(as_text=True)
    assert "诉求二" in html and "诉求一" not in html
    assert client.post(f"/manage/appeals/{a1.id}/status",
                       data={"status": "forwarded"}).status_code == 302
    assert _db.session.get(Appeal, a1.id).status.value == "forwarded"
    resp = client.post(f"/manage/appeals/{a1.id}/status", data={"status": "resolved",
                                                                "response": ""},
                       follow_redirects=True)
    assert "办结时必须填写答复" in resp.get_data(as_text=True)
    assert _db.session.get(Appeal, a1.id).status.value == "forwarded"
    client.post(f"/manage/appeals/{a1.id}/status", data={"status": "resolved",
                                                         "response": "已协调解决"})
    appeal = _db.session.get(Appeal, a1.id)
    assert appeal.status.value == "resolved" and appeal.response == "已协调解决"
    assert _db.session.scalar(sa.select(Notification).where(
        Notification.user_id == world.rep_a.id, Notification.kind == "appeal_resolved"))
    resp = client.post(f"/manage/appeals/{a1.id}/status", data={"status": "closed"},
                       follow_redirects=True)
    assert "不能变更为" in resp.get_data(as_text=True)
    html = client.get("/manage/appeals?status=received").get_data(as_text=True)
    assert "诉求二" in html and "诉求一" not in html
    assert a2.id


MANAGE_URLS = [("get", "/manage/representatives"), ("get", "/manage/representatives/export"),
               ("get", "/manage/accounts"), ("get", "/manage/appeals")]


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("rep_a", 403), ("rep_b", 403), ("admin", 403), ("manager_a", 200),
    ("manager_b", 200),
])
def test_manage_pages_access(world, client, login, who, expected):
    web = client if who == "anonymous" else login(getattr(world, who))
    for method, url in MANAGE_URLS:
        resp = getattr(web, method)(url)
        assert resp.status_code == expected, (who, url)
        if expected == 302:
            assert "/login" in resp.headers["Location"]


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("rep_a", 403), ("rep_b", 403), ("admin", 403), ("manager_b", 404),
])
def test_manage_actions_access(world, client, login, who, expected):
    appeal = f.appeal(world.rep_a)
    web = client if who == "anonymous" else login(getattr(world, who))
    assert web.post(f"/manage/appeals/{appeal.id}/status",
                    data={"status": "closed"}).status_code == expected
    assert web.post(f"/manage/accounts/{world.rep_a2.id}/active",
                    data={"active": "0"}).status_code == expected
    assert _db.session.get(Appeal, appeal.id).status.value == "received"
    assert _db.session.get(User, world.rep_a2.id).active is True


def test_manager_without_home_gets_403(db, login):
    unit = f.unit()
    manager = f.user("home_manager", unit_id=unit.id)
    _db.session.commit()
    assert login(manager).get("/manage/representatives").status_code == 403
