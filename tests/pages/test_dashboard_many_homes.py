"""With many Homes (issue 14): per-Home charts draw the 20 lowest and the 20 highest, the table
beside them pages through every Home, and the export holds them all."""
import html as htmllib
import json
import re
from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from models.enums import ActivityStatus
from services import dashboard as figures
from services.clock import today
from tests.conftest import count_statements
from tests.support import factories as f

YEAR = today().year


def _homes(n):
    """n active Homes, Home i with i verified activities (0 … n−1) and one representative."""
    admin = f.admin()
    homes = []
    for i in range(n):
        home = f.home()
        rep = f.representative(home)
        for _ in range(i % 7):
            f.activity(rep, status=ActivityStatus.VERIFIED, date=date(YEAR, 1, 2))
        homes.append(home)
    return admin, homes


def _figure(html, key):
    match = re.search(rf'id="chart-{key}"[^>]*data-figure="([^"]*)"', html)
    return json.loads(htmllib.unescape(match.group(1)))


def test_extremes_keep_the_20_lowest_and_highest():
    rows = [{"name": f"家{i:03d}", "total": i} for i in range(100)]
    shown = figures.extremes(rows, lambda r: r["total"])
    assert [r["total"] for r in shown] == list(range(99, 79, -1)) + list(range(19, -1, -1))
    assert figures.extremes(rows[:40], lambda r: r["total"]) == rows[:40][::-1]
    assert "共100家" in figures.extremes_title("对比", rows)
    assert figures.extremes_title("对比", rows[:40]) == "对比"


def test_province_page_with_many_homes(db, login):
    admin, homes = _homes(45)
    db.session.commit()
    client = login(admin)
    html = client.get(f"/dashboard/province?year={YEAR}").get_data(as_text=True)
    for key in ("homes", "compliance"):
        fig = _figure(html, key)
        assert len(fig["data"][0]["y"]) == 40
        assert "最高与最低各20家" in fig["layout"]["title"]["text"]
    # The table beside the chart: 50 rows a page would hold all 45 — one page, no pager.
    assert 'data-testid="pager-homes"' not in html
    table = html.split('data-testid="table-homes"')[1].split("</table>")[0]
    assert table.count("<tr>") == 46


def test_per_home_tables_page_and_the_export_holds_every_home(db, login):
    admin, homes = _homes(120)
    db.session.commit()
    client = login(admin)
    first = client.get(f"/dashboard/province?year={YEAR}").get_data(as_text=True)
    assert 'data-testid="pager-homes"' in first and 'data-testid="pager-compliance"' in first
    names = set()
    for page in (1, 2, 3):
        html = client.get(f"/dashboard/province?year={YEAR}&homes_page={page}").get_data(
            as_text=True)
        table = html.split('data-testid="table-homes"')[1].split("</table>")[0]
        rows = re.findall(r"<tr><td>([^<]*)</td>", table)
        assert len(rows) == (50 if page < 3 else 20)
        names |= set(rows)
    assert names == {h.name for h in homes}
    # Out-of-range page numbers show the nearest page, never an error.
    assert client.get(f"/dashboard/province?year={YEAR}&homes_page=99").status_code == 200
    assert client.get(f"/dashboard/province?year={YEAR}&homes_page=-3").status_code == 200
    resp = client.get(f"/dashboard/export?table=homes&year={YEAR}")
    ws = load_workbook(BytesIO(resp.data)).active
    exported = {row[0] for row in ws.iter_rows(values_only=True)}
    assert {h.name for h in homes} <= exported


def test_province_page_statements_do_not_grow_with_homes(db, login):
    admin, _ = _homes(5)
    db.session.commit()
    client = login(admin)
    client.get(f"/dashboard/province?year={YEAR}")
    with count_statements() as few:
        assert client.get(f"/dashboard/province?year={YEAR}").status_code == 200
    for i in range(60):
        home = f.home()
        f.activity(f.representative(home), status=ActivityStatus.VERIFIED, date=date(YEAR, 1, 2 + i % 20))
    db.session.commit()
    with count_statements() as many:
        assert client.get(f"/dashboard/province?year={YEAR}&homes_page=2").status_code == 200
    assert len(many) == len(few)
