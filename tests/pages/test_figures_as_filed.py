"""Issue 13: rates without a denominator (—, out of rankings, the API still 0), validity worded
as the last valid day everywhere (the API keeps expires_on), the expiry banner, and the Excel
exports as the office files them (openpyxl: Chinese names, numbers and dates typed, formats,
titles of the data's year, columns wide enough)."""
from datetime import date, datetime, timedelta
from io import BytesIO
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from blueprints.xlsx import display_width
from extensions import db
from models.enums import ActivityStatus, AppealStatus, UnitKind
from services import assessments as assessment_service
from services import clock
from tests.support import factories as f

YEAR = clock.today().year
V = ActivityStatus.VERIFIED


def _workbook(resp):
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return load_workbook(BytesIO(resp.data))


def _filename(resp) -> str:
    return unquote(resp.headers["Content-Disposition"].split("filename*=UTF-8''")[-1])


# ------------------------------------------------------------------ rate without denominator (3)

@pytest.fixture()
def empty_home(world):
    home = f.home(f.unit(name="江苏省机械工程学会", kind=UnitKind.PROVINCIAL_SOCIETY))
    manager = f.manager(home, username="mech_admin")
    db.session.commit()
    return home, manager


def test_home_without_representatives_shows_dash_and_a_hint(empty_home, login, api):
    home, manager = empty_home
    html = login(manager).get("/dashboard/home").get_data(as_text=True)
    assert 'data-testid="kpi-compliance">—<' in html
    assert "0.0%" not in html and "全部代表均已达标" not in html
    assert 'data-testid="no-representatives"' in html and "/manage/accounts" in html
    assert "暂无数据" in html  # the empty heat map says so
    rate = login(manager).get("/manage/representatives").get_data(as_text=True)
    assert 'data-testid="compliance-rate">—<' in rate
    body = api(manager).get(f"/compliance?year={YEAR}&home_id={home.id}").get_json()
    assert body["compliance_rate"] == 0  # SPEC §5.1 unchanged


def test_province_leaves_a_home_without_representatives_out_of_the_ranking(world, empty_home,
                                                                             login):
    for i in range(5):
        f.contact(world.rep_a, f.worker(linked_by=world.rep_a), date(YEAR, 1, 2 + i))
    db.session.commit()
    client = login(world.admin)
    html = client.get(f"/dashboard/province?year={YEAR}").get_data(as_text=True)
    assert 'data-testid="note-compliance"' in html and "不参加排名" in html
    ws = _workbook(client.get(f"/dashboard/export?table=compliance&year={YEAR}")).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    header = rows.index(("代表之家", "达标代表", "在册代表", "达标率"))
    data = rows[header + 1:]
    assert data[-1] == ("江苏省机械工程学会代表之家", 0, 0, None)  # last, no rate
    assert [r[0] for r in data[:-1]] == ["苏州市科协代表之家", "南京市科协代表之家"]
    assert data[0][3] == 0 and data[1][3] == 0.5
    assert ws.cell(row=header + 2, column=4).number_format == "0.0%"
    assert any("不参加排名" in str(r[1]) for r in rows[:header])


# ------------------------------------------------------------------ validity (4) and banner (5)

def test_validity_is_the_last_valid_day_everywhere(world, login, client, api):
    home = world.home_a
    home.recognized_on, home.expires_on = date(2025, 3, 21), date(2027, 3, 21)
    db.session.commit()
    last = "2027-03-20"
    for user, path in ((world.manager_a, "/home/"), (world.manager_a, "/dashboard/home"),
                       (world.admin, "/province/homes")):
        html = login(user).get(path).get_data(as_text=True)
        assert last in html and "2027-03-21" not in html, path
        assert "不含当日" not in html and "到期日前一天" not in html
    client.post("/logout")
    html = client.get("/public/homes").get_data(as_text=True)
    assert last in html and "2027-03-21" not in html
    assert api(world.manager_a).get(f"/homes/{home.id}").get_json()["expires_on"] == "2027-03-21"


def test_expiry_banner_within_sixty_days(world, login):
    home = world.home_a
    home.recognized_on = clock.today() - timedelta(days=600)
    home.expires_on = clock.today() + timedelta(days=45)
    db.session.commit()
    html = login(world.manager_a).get("/dashboard/home").get_data(as_text=True)
    assert 'data-testid="expiry-banner"' in html and "还剩 45 天" in html
    assert "续期需要" in html and "不合格" in html
    assert (home.expires_on - timedelta(days=1)).isoformat() in html
    home.expires_on = clock.today() + timedelta(days=61)
    db.session.commit()
    html = login(world.manager_a).get("/dashboard/home").get_data(as_text=True)
    assert 'data-testid="expiry-banner"' not in html


def test_expiring_export_has_dates_as_dates(world, login):
    world.home_a.expires_on = clock.today() + timedelta(days=20)
    db.session.commit()
    ws = _workbook(login(world.admin).get(f"/dashboard/export?table=expiring&year={YEAR}")).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(("代表之家", "有效期至", "剩余天数"))
    name, until, left = rows[header + 1]
    assert isinstance(until, datetime) and until.date() == world.home_a.last_valid_day
    assert left == 20
    assert ws.cell(row=header + 2, column=2).number_format == "yyyy-mm-dd"


# ------------------------------------------------------------------ Excel exports (13)

@pytest.fixture()
def scored(world):
    """A published assessment of last year (so the scores table is of another year than the page)
    and appeals of this year."""
    f.activity(world.rep_a, status=V, date=date(YEAR, 1, 3))
    a = assessment_service.create_assessment(world.admin, world.home_a.id, YEAR - 1)
    assessment_service.finalize_assessment(world.admin, a)
    assessment_service.publish_assessment(world.admin, a)
    f.appeal(world.rep_a, status=AppealStatus.RESOLVED)
    f.appeal(world.rep_a)
    db.session.commit()
    return a


@pytest.mark.parametrize("table", ["months", "homes", "compliance", "scores", "grades",
                                   "appeals", "home_status", "expiring"])
def test_every_export_has_chinese_names_and_wide_enough_columns(world, login, scored, table):
    resp = login(world.admin).get(f"/dashboard/export?table={table}&year={YEAR}")
    wb = _workbook(resp)
    ws = wb.active
    assert any("\u4e00" <= ch <= "\u9fff" for ch in ws.title), ws.title
    name = _filename(resp)
    assert name.endswith(".xlsx") and any("\u4e00" <= ch <= "\u9fff" for ch in name)
    assert "dashboard" not in name and table not in ws.title
    header_row = ws[ws.freeze_panes].row - 1  # frozen below the header
    assert all(c.font.bold for c in ws[header_row] if c.value)
    for row in ws.iter_rows(min_row=header_row):  # the title lines may run over empty cells
        for cell in row:
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= display_width(cell.value), (cell.coordinate, cell.value, width)


def test_scores_export_is_typed_and_titled_with_its_year(world, login, scored):
    ws = _workbook(login(world.admin).get(f"/dashboard/export?table=scores&year={YEAR}")).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == f"{YEAR - 1}年度考核得分排名"
    assert f"{YEAR - 1}年" in rows[1][0] and f"{YEAR}年" not in rows[1][0]
    header = rows.index(("名次", "代表之家", "总分", "等次", "状态"))
    total = ws.cell(row=header + 2, column=3)
    assert isinstance(total.value, (int, float)) and total.value == pytest.approx(float(scored.total))
    assert total.number_format == "0.00"


def test_appeals_export_keeps_the_rate_out_of_the_count_column(world, login, scored):
    ws = _workbook(login(world.admin).get(f"/dashboard/export?table=appeals&year={YEAR}")).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(("状态", "件数"))
    counts = [r[1] for r in rows[header + 1:]]
    assert all(isinstance(n, int) for n in counts)  # only counts below 件数
    note = next(i for i, r in enumerate(rows[:header]) if r[0] == "办结率")
    assert rows[note][1] == 0.5 and ws.cell(row=note + 1, column=2).number_format == "0.0%"


def test_appeals_rate_without_appeals_is_a_dash(world, login):
    client = login(world.admin)
    html = client.get(f"/dashboard/province?year={YEAR}").get_data(as_text=True)
    assert "办结率：—" in html
    ws = _workbook(client.get(f"/dashboard/export?table=appeals&year={YEAR}")).active
    note = next(r for r in ws.iter_rows(values_only=True) if r[0] == "办结率")
    assert note[1] is None


def test_representatives_export_dates_and_names(world, login):
    f.activity(world.rep_a, status=V, date=date(YEAR, 2, 14))
    db.session.commit()
    resp = login(world.manager_a).get("/manage/representatives/export")
    wb = _workbook(resp)
    assert _filename(resp) == f"{YEAR}年代表联系与活动.xlsx"
    ws = wb["代表"]
    header = [c.value for c in ws[1]]
    col = header.index("最近已审核活动") + 1
    cells = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=col) for r in range(2, ws.max_row + 1)}
    assert isinstance(cells["代表甲"].value, datetime)
    assert cells["代表甲"].value.date() == date(YEAR, 2, 14)
    assert cells["代表甲"].number_format == "yyyy-mm-dd"
    for sheet in wb.worksheets:
        for cell in sheet[1]:
            assert sheet.column_dimensions[cell.column_letter].width >= display_width(cell.value)
