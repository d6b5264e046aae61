"""Dates, months and short labels never wrap in the Word 台账 and 履职档案 ("2026-04-/12", "10/月"):
read back with python-docx, every such cell is marked w:noWrap and its column (less the cell
padding) is at least as wide as its text needs in 11 pt 宋体 (an ASCII character half an em, any
other a full em), with room for bold."""
import re
from datetime import date
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn

from extensions import db
from models.enums import ActivityStatus, Kind, Theme
from tests.support import factories as f

SHORT = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,2}月|[●○]|组织|联合组织|代表\+\S{2}|\d+ 人"
                   r"|参与人数|日期|角色|主题)$")
POINT = 20  # twips
SIZE = 11  # pt, the Normal style


def _needed(text: str) -> float:
    ems = sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)
    return ems * SIZE * POINT * 1.1  # bold is a little wider


def _short_cells(data: bytes) -> list:
    """(text, usable width in twips, noWrap) of every short cell of every table."""
    found = []
    for table in Document(BytesIO(data)).tables:
        tbl = table._tbl
        grid = [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))]
        margin_el = tbl.tblPr.find(f"{qn('w:tblCellMar')}/{qn('w:left')}")
        margin = int(margin_el.get(qn("w:w"))) if margin_el is not None else 108
        for tr in tbl.tr_lst:
            for index, tc in enumerate(tr.tc_lst):
                text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
                if SHORT.match(text):
                    nowrap = tc.tcPr is not None and tc.tcPr.find(qn("w:noWrap")) is not None
                    found.append((text, grid[index] - 2 * margin, nowrap))
    return found


def _assert_kept(cells, expected):
    texts = {text for text, _w, _n in cells}
    assert expected <= texts, expected - texts
    bad = [(text, width, round(_needed(text))) for text, width, nowrap in cells
           if not nowrap or width < _needed(text)]
    assert bad == []


def test_record_and_ledger_keep_dates_and_months_on_one_line(world, login):
    year = date.today().year
    for month in (4, 10, 12):
        a = f.activity(world.rep_a, status=ActivityStatus.VERIFIED, date=date(year, month, 12),
                       theme=Theme.INNOVATION, kind=Kind.SALON, participants=120,
                       title="长标题的活动" * 5)
        a.co_organizers = [world.rep_a2]
    db.session.commit()
    client = login(world.manager_a)
    record = client.get(f"/records/{world.rep_a.id}/docx?year={year}")
    assert record.status_code == 200
    _assert_kept(_short_cells(record.data), {f"{year}-04-12", "10月", "12月", "代表+创新", "组织"})
    co = client.get(f"/records/{world.rep_a2.id}/docx?year={year}")
    _assert_kept(_short_cells(co.data), {"联合组织", f"{year}-10-12"})
    ledger = client.get(f"/records/ledger/{world.home_a.id}/docx?year={year}")
    assert ledger.status_code == 200
    _assert_kept(_short_cells(ledger.data), {f"{year}-12-12", "120 人", "参与人数"})
