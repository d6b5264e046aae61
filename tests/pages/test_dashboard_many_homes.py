"""With many Homes: per-Home charts draw the 20 lowest and the 20 highest, the tables beside them
build and show one page of rows (paged, or filtered by the Home's name), each Home's name linking to
its dashboard, and the export holds them all."""
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
    # Each Home's name links to its dashboard; no other list of every Home is on the page.
    links = re.findall(r'href="/dashboard/home\?year=(\d+)&amp;home_id=(\d+)"', table)
    assert sorted(int(h) for _y, h in links) == sorted(h.id for h in homes)
    assert {y for y, _h in links} == {str(YEAR)}
    assert len(re.findall(r'href="/dashboard/home\?', html)) == 2 * 45  # homes + compliance


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
        rows = re.findall(r'<tr><td><a href="[^"]*">([^<]*)</a></td>', table)
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


def _rows(html, key):
    table = html.split(f'data-testid="table-{key}"')[1].split("</table>")[0]
    return re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]  # the header row first


def _pager(html, key):
    nav = html.split(f'data-testid="pager-{key}"')[1].split("</nav>")[0]
    return [n for n in re.findall(r'class="page-link"[^>]*>([^<]*)<', nav)]


def test_pager_shows_first_last_and_neighbours_with_gaps(db, login, monkeypatch):
    from blueprints.dashboard import routes
    monkeypatch.setattr(routes, "TABLE_PAGE", 5)
    admin, homes = _homes(60)  # 12 pages of 5
    db.session.commit()
    client = login(admin)
    html = client.get(f"/dashboard/province?year={YEAR}&homes_page=6&compliance_page=2"
                      ).get_data(as_text=True)
    assert _pager(html, "homes") == ["1", "…", "4", "5", "6", "7", "8", "…", "12"]
    assert _pager(html, "compliance") == ["1", "2", "3", "4", "…", "12"]
    assert len(_rows(html, "homes")) == 5
    # A page link keeps the filters and the other table's page, and changes only its own.
    nav = html.split('data-testid="pager-homes"')[1].split("</nav>")[0]
    href = htmllib.unescape(re.search(r'href="([^"]*)"[^>]*>8<', nav).group(1))
    assert href.startswith("/dashboard/province?") and "homes_page=8" in href
    assert f"year={YEAR}" in href and "compliance_page=2" in href
    assert 'aria-current="page">6<' in nav
    last = client.get(f"/dashboard/province?year={YEAR}&homes_page=12").get_data(as_text=True)
    assert _pager(last, "homes") == ["1", "…", "10", "11", "12"]
    # The pages together hold every Home once, in the table's order (most activities first…
    # as the service gives them).
    seen = []
    for page in range(1, 13):
        page_html = client.get(f"/dashboard/province?year={YEAR}&homes_page={page}").get_data(
            as_text=True)
        seen += [re.search(r">([^<]*)</a>", row).group(1) for row in _rows(page_html, "homes")]
    expected = [r["name"] for r in figures.home_theme_counts(figures.Scope(year=YEAR))]
    assert seen == expected


def test_name_filter_narrows_the_per_home_tables_only(db, login):
    admin, homes = _homes(70)
    wanted = homes[3:6]
    for i, home in enumerate(wanted):
        home.name = f"甲乙丙{i}号代表之家"
    db.session.commit()
    client = login(admin)
    html = client.get(f"/dashboard/province?year={YEAR}&q=甲乙丙").get_data(as_text=True)
    for key in ("homes", "compliance"):
        names = {re.search(r">([^<]*)</a>", row).group(1) for row in _rows(html, key)}
        assert names == {h.name for h in wanted}
        assert f'data-testid="pager-{key}"' not in html
    assert "名称含“甲乙丙”的代表之家：3 家" in html
    # The figures stay those of every Home: KPIs and charts are not filtered.
    assert 'data-testid="kpi-homes">70<' in html
    assert len(_figure(html, "homes")["data"][0]["y"]) == 40
    # No match: an empty table, not an error; the export holds every Home whatever q says.
    none = client.get(f"/dashboard/province?year={YEAR}&q=没有这个").get_data(as_text=True)
    assert "暂无数据" in none.split('data-testid="table-homes"')[1].split("</table>")[0]
    resp = client.get(f"/dashboard/export?table=homes&year={YEAR}&q=甲乙丙")
    ws = load_workbook(BytesIO(resp.data)).active
    assert {h.name for h in homes} <= {row[0] for row in ws.iter_rows(values_only=True)}


def test_name_filter_keeps_pages_and_the_rank_in_the_whole_ranking(db, login):
    from models import Assessment
    from models.enums import AssessmentStatus
    admin = f.admin()
    homes = [f.home(name=f"{'丙' if i % 2 else '丁'}家{i:03d}") for i in range(120)]
    for i, home in enumerate(homes):
        db.session.add(Assessment(home_id=home.id, year=YEAR, total=100 - i * 0.5,
                                  status=AssessmentStatus.PUBLISHED))
    db.session.commit()
    client = login(admin)
    html = client.get(f"/dashboard/province?year={YEAR}&q=丙&scores_page=2").get_data(as_text=True)
    rows = _rows(html, "scores")
    assert len(rows) == 10  # 60 Homes named 丙…, 50 a page
    first = re.findall(r"<td>(.*?)</td>", rows[0])
    # The 51st 丙 Home is homes[101], 102nd in the whole ranking.
    assert first[0] == "102" and homes[101].name in first[1]
    assert _pager(html, "scores") == ["1", "2"]
    nav = html.split('data-testid="pager-scores"')[1].split("</nav>")[0]
    assert "q=%E4%B8%99" in nav  # the name filter is kept by the page links


def test_window_builds_only_the_rows_shown():
    from blueprints.dashboard import table_rows as t
    rows = [{"home_id": i, "name": f"家{i:04d}", "themes": {th: 0 for th in
             ("party_building", "window", "neighborhood", "innovation")}, "total": i}
            for i in range(1800)]
    table = t.homes_table(rows, t.Window(page=36, size=50))
    assert table.count == 1800 and table.page == 36 and len(table.rows) == 50
    assert table.home_ids == list(range(1750, 1800))
    assert table.rows[0][0] == "家1750"
    clamped = t.homes_table(rows, t.Window(page=99, size=50))
    assert clamped.page == 36 and clamped.home_ids == table.home_ids
    assert t.homes_table(rows, t.Window(page=-3, size=50)).page == 1
    found = t.homes_table(rows, t.Window(size=50, q="家17"))
    assert found.count == 100 and len(found.rows) == 50
    # Every row when the window has no size (exports).
    assert len(t.homes_table(rows).rows) == 1800
    empty = t.compliance_table([{"home_id": 1, "name": "甲", "compliant": 0, "total": 0,
                                 "rate": 0.0}], t.Window(size=50, q="乙"))
    assert empty.rows == [] and empty.count == 0 and empty.notes  # the note counts every Home


def test_city_dashboard_pages_its_homes_table(db, login):
    from models.enums import Role
    city_admin = f.user(Role.CITY_ADMIN, city="苏州市")
    homes = []
    for i in range(55):
        home = f.home(f.unit(city="苏州市"), name=f"苏州{i:03d}代表之家")
        f.representative(home)
        homes.append(home)
    f.home(f.unit(city="南京市"), name="南京某代表之家")
    db.session.commit()
    client = login(city_admin)
    first = client.get(f"/dashboard/city?year={YEAR}").get_data(as_text=True)
    second = client.get(f"/dashboard/city?year={YEAR}&homes_page=2").get_data(as_text=True)
    assert len(_rows(first, "homes")) == 50 and len(_rows(second, "homes")) == 5
    assert _pager(first, "homes") == ["1", "2"]
    nav = first.split('data-testid="pager-homes"')[1].split("</nav>")[0]
    assert "/dashboard/city?" in nav and "city=%E8%8B%8F%E5%B7%9E%E5%B8%82" in nav
    names = {re.search(r">([^<]*)</a>", row).group(1)
             for row in _rows(first, "homes") + _rows(second, "homes")}
    assert names == {h.name for h in homes}
    # The links go to Homes the city admin may open.
    href = htmllib.unescape(re.search(r'<a href="(/dashboard/home\?[^"]*)"', second).group(1))
    assert client.get(href).status_code == 200
    found = client.get(f"/dashboard/city?year={YEAR}&q=苏州054").get_data(as_text=True)
    assert len(_rows(found, "homes")) == 1
