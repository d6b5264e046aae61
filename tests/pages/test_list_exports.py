# ruff: noqa: F811  (the fixtures of tests/support/signin.py are imported, then requested by name)
"""Every Excel list export read back with openpyxl: the header where it belongs, bold and frozen
below it, columns sized, numbers stored as numbers with their format — and the statements of an
export do not grow with its rows (the files are written in openpyxl's write-only mode from rows
computed in a fixed number of queries)."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from blueprints import xlsx
from extensions import db as _db
from models import Assessment
from models.enums import ActivityStatus, AssessmentStatus, Grade, NeedStatus, Role
from services import audit, signin
from services.clock import today
from tests.conftest import count_statements, login_form
from tests.support import factories as f
from tests.support.needs import need
from tests.support.signin import clock, event  # noqa: F401
from tests.support.signin import clock as signin_clock  # noqa: F401

YEAR = today().year


def _sheet(resp, index=0):
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == xlsx.XLSX_MIME
    return load_workbook(BytesIO(resp.data)).worksheets[index]


def _check_layout(ws, header_row: int, headers: list):
    """The header at `header_row` (bold), the panes frozen just below it, each header's column
    at least as wide as the header."""
    got = [c.value for c in ws[header_row]][:len(headers)]
    assert got == headers
    assert all(c.font.b for c in ws[header_row][:len(headers)])
    assert ws.freeze_panes in (f"A{header_row + 1}", f"C{header_row + 1}")
    for index, header in enumerate(headers, start=1):
        letter = ws.cell(row=header_row, column=index).column_letter
        assert ws.column_dimensions[letter].width >= min(60, xlsx.display_width(header))


def _same_statements(client, url, grow):
    """The statements of GET url, before and after `grow()` adds rows: equal; answers both
    responses."""
    client.get(url)
    with count_statements() as few:
        before = client.get(url)
    grow()
    _db.session.commit()
    with count_statements() as many:
        after = client.get(url)
    assert len(many) == len(few), (len(few), len(many))
    return before, after


def test_write_table_streams_rows_with_formats_widths_and_frozen_header():
    wb = xlsx.book()
    rows = ([f"家{i}", i, i / 100, date(2026, 1, 1 + i % 28)] for i in range(3000))
    xlsx.write_table(wb, "表[1]", ["代表之家", "件数", "比率", "日期"], rows,
                     {2: "percent", 3: "date"}, ["合计", 4498500, None, None],
                     above=[xlsx.Line([xlsx.Styled("很长的标题" * 20)], fit=False),
                            xlsx.Line(["说明", xlsx.Styled(0.5, number_format="percent")])])
    ws = load_workbook(xlsx.save(wb)).active
    assert ws.title == "表_1_"
    _check_layout(ws, 3, ["代表之家", "件数", "比率", "日期"])
    assert ws.freeze_panes == "A4"
    assert ws["B2"].value == 0.5 and ws["B2"].number_format == "0.0%"
    assert ws["A4"].value == "家0" and ws["B4"].value == 0 and isinstance(ws["C5"].value, float)
    assert ws["C5"].number_format == "0.0%" and ws["D5"].number_format == "yyyy-mm-dd"
    assert ws["D5"].value.date() == date(2026, 1, 2)
    assert ws.max_row == 3 + 3000 + 1 and ws.cell(row=ws.max_row, column=2).value == 4498500
    # The title line is left out of the widths; a formula is guarded in every line.
    assert ws.column_dimensions["A"].width < 60
    wb = xlsx.book()
    xlsx.write_table(wb, "s", ["=h"], [["=1+1"], ["@x"]], above=[xlsx.Line(["+t"])])
    ws = load_workbook(xlsx.save(wb)).active
    assert [c.value for c in ws["A"]] == ["'+t", "'=h", "'=1+1", "'@x"]


def _homes(n):
    for i in range(n):
        home = f.home()
        rep = f.representative(home)
        f.activity(rep, status=ActivityStatus.VERIFIED, date=date(YEAR, 1, 1 + i % 20))


def test_province_table_export_layout_numbers_and_statements(db, login):
    admin = f.admin()
    _homes(3)
    _db.session.commit()
    client = login(admin)
    before, after = _same_statements(client, f"/dashboard/export?table=compliance&year={YEAR}",
                                     lambda: _homes(25))
    ws = _sheet(after)
    # Title, filters line, the note-free table: header on row 3.
    assert ws["A1"].value == "各代表之家联系达标率" and ws["A1"].font.b
    assert ws["A2"].value.startswith("全省")
    _check_layout(ws, 3, ["代表之家", "达标代表", "在册代表", "达标率"])
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 28 and len(list(_sheet(before).iter_rows(min_row=4))) == 3
    assert all(isinstance(r[2], int) and isinstance(r[3], (int, float)) for r in rows)
    assert ws["D4"].number_format == "0.0%"


def test_export_computes_only_the_table_asked_for(db, login, monkeypatch):
    from services.dashboard import overviews
    admin = f.admin()
    _homes(2)
    _db.session.commit()
    called = []
    for name in ("activity_stats", "home_theme_counts", "compliance_by_home",
                 "latest_assessments", "appeals_by_status", "homes_by_status", "expiring_homes",
                 "linked_levels", "kpis"):
        real = getattr(overviews, name)
        monkeypatch.setattr(overviews, name,
                            lambda *a, _real=real, _name=name, **k: called.append(_name)
                            or _real(*a, **k))
    client = login(admin)
    ws = _sheet(client.get(f"/dashboard/export?table=homes&year={YEAR}"))
    assert called == ["home_theme_counts"]
    assert ws.cell(row=3, column=1).value == "代表之家"
    called.clear()
    _sheet(client.get(f"/dashboard/export?table=grades&year={YEAR}"))
    assert called == ["latest_assessments"]
    called.clear()
    assert client.get(f"/dashboard/export?table=nope&year={YEAR}").status_code == 404
    assert called == []


def test_home_table_export_with_notes_keeps_them_above_the_header(world, login):
    for i in range(3):
        f.activity(world.rep_a, status=ActivityStatus.VERIFIED, date=date(YEAR, 2 + i, 3))
    _db.session.commit()
    client = login(world.manager_a)

    def more():
        for i in range(6):
            f.activity(f.representative(world.home_a), status=ActivityStatus.VERIFIED,
                       date=date(YEAR, 1 + i, 3))

    _before, after = _same_statements(client, f"/dashboard/export?table=heatmap&year={YEAR}",
                                      more)
    ws = _sheet(after)
    assert ws["A3"].value == "颜色"  # the note, then the header
    _check_layout(ws, 4, ["代表", "1月", "2月"])
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert all(isinstance(v, int) for r in rows for v in r[1:])


def test_representatives_export_layout(world, login):
    f.activity(world.rep_a, status=ActivityStatus.VERIFIED, date=date(YEAR, 3, 3))
    worker = f.worker(world.rep_a)
    f.contact(world.rep_a, worker, day=date(YEAR, 3, 1))
    _db.session.commit()
    client = login(world.manager_a)

    def more():
        for _ in range(5):
            rep = f.representative(world.home_a)
            w = f.worker(rep)
            f.contact(rep, w, day=date(YEAR, 4, 1))

    _before, after = _same_statements(client, f"/manage/representatives/export?year={YEAR}",
                                      more)
    reps, workers = _sheet(after, 0), _sheet(after, 1)
    _check_layout(reps, 1, ["姓名", "层级", "工作单位", f"{YEAR}年联系人数"])
    _check_layout(workers, 1, ["代表", "科技工作者", "工作单位", "从事领域", "手机号"])
    row = next(r for r in reps.iter_rows(min_row=2) if r[0].value == world.rep_a.name)
    assert row[3].value == 1 and isinstance(row[5].value, int)
    assert row[9].is_date and row[9].number_format == "yyyy-mm-dd"
    assert reps.max_row == 1 + 2 + 5  # rep_a, rep_a2 and the five new ones
    assert all(isinstance(r[5], int) for r in workers.iter_rows(min_row=2, values_only=True))


def test_needs_export_layout_and_statements(world, login):
    need(NeedStatus.CLOSED, world.home_a, [world.rep_a], rating=4)
    _db.session.commit()
    client = login(world.admin)

    def more():
        for _ in range(4):
            home = f.home()
            need(NeedStatus.DISPATCHED, home)

    _before, after = _same_statements(client, f"/needs/export.xlsx?year={YEAR}", more)
    ws = _sheet(after)
    _check_layout(ws, 1, ["范围", "收到需求", "已派单", "已完成", "完成率"])
    home_row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == world.home_a.name)
    assert home_row[4].value == 1.0 and home_row[4].number_format == "0.0%"
    assert ws.max_row >= 1 + 1 + 2 + 4


def test_subsidies_export_layout_and_statements(world, login, api, monkeypatch):
    monkeypatch.setattr("services.clock.today", lambda: date(2026, 3, 20))

    def assessed(home, total="82.5"):
        _db.session.add(Assessment(home_id=home.id, year=2025, status=AssessmentStatus.PUBLISHED,
                                   total=Decimal(total), grade=Grade.GOOD,
                                   publicity_start=date(2026, 3, 1),
                                   publicity_end=date(2026, 3, 7)))

    assessed(world.home_a)
    _db.session.commit()
    api(world.admin).put("/subsidies/2025/rates",
                         json={"excellent": "50000", "good": "30000.25", "pass": "0"})
    client = login(world.admin)
    _before, after = _same_statements(client, "/subsidies/2025/export.xlsx",
                                      lambda: [assessed(f.home(), "70") for _ in range(4)])
    ws = _sheet(after)
    assert ws["A1"].font.b and ws["A1"].font.sz == 14
    _check_layout(ws, 2, ["序号", "代表之家", "依托单位", "设区市", "考核总分"])
    rows = list(ws.iter_rows(min_row=3))
    assert len(rows) == 5 + 1 and rows[-1][0].value == "合计" and rows[-1][0].font.b
    assert all(isinstance(r[4].value, (int, float)) and r[4].number_format == "0.00" for r in rows[:-1])
    assert rows[-1][6].value == pytest.approx(5 * 30000.25) and "¥" in rows[-1][6].number_format


def test_attendance_export_layout_and_statements(world, event, login):
    code_row = signin.open_signin(world.rep_a, event)[0]
    _db.session.commit()
    client = login(world.rep_a)

    def sign(n, start):  # through the public door page, as attendees do
        public = client.application.test_client()
        for i in range(n):
            resp = public.post(f"/s/{code_row.code}",
                               data={"name": f"王{start + i}", "mobile": f"139{start + i:08d}"})
            assert resp.status_code == 303

    sign(2, 0)
    _before, after = _same_statements(client, f"/me/activities/{event.id}/attendance.xlsx",
                                      lambda: sign(6, 100))
    ws = _sheet(after)
    assert ws["A1"].value.endswith("签到名单")
    _check_layout(ws, 3, ["序号", "姓名", "工作单位", "从事领域", "手机号"])
    numbers = [r[0] for r in ws.iter_rows(min_row=4, values_only=True)]
    assert numbers == list(range(1, 9))


def test_audit_export_layout_and_statements(world, client):
    auditor = f.user(Role.AUDIT_ADMIN)
    _db.session.commit()

    def log(n):
        for i in range(n):
            audit.record(world.admin, "list_event", object_type="things", object_id=i,
                         detail={"i": i})

    log(2)
    _db.session.commit()
    login_form(client, auditor)
    _before, after = _same_statements(client, "/audit/export?action=list_event",
                                      lambda: log(10))
    ws = _sheet(after)
    _check_layout(ws, 1, ["编号", "时间（北京时间）", "操作人"])
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 12 and all(isinstance(r[0], int) and isinstance(r[6], int)
                                   for r in rows)
