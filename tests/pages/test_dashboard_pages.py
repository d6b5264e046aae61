"""Dashboard pages, their Excel exports, plotly.js and the public reports: the access matrix of
every route × role, a fixed number of SQL statements whatever the number of Homes, the exports."""
import json
import re
from datetime import date
from io import BytesIO
from pathlib import Path

import plotly
import pytest
from openpyxl import load_workbook

from blueprints.dashboard.assets import plotly_url
from blueprints.xlsx import safe as _safe
from extensions import db
from models.enums import ActivityStatus, Kind, Theme
from services.clock import today
from tests.conftest import count_statements
from tests.support import factories as f

V = ActivityStatus.VERIFIED
THIS_YEAR = today().year

ROLES = ["anonymous", "rep_a", "rep_b", "manager_a", "manager_b", "admin"]


def as_role(world, login, client, role):
    if role == "anonymous":
        return client
    return login(getattr(world, role))


def _expect(resp, expected):
    if expected == "login":
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    elif expected == "province":
        assert resp.status_code == 302 and "/dashboard/province" in resp.headers["Location"]
    else:
        assert resp.status_code == expected, resp.get_data(as_text=True)[:300]


# role → expected answer for each page (home A is the object; B is "another Home").
MATRIX = {
    "/dashboard/province": {"anonymous": "login", "rep_a": 403, "rep_b": 403, "manager_a": 403,
                            "manager_b": 403, "admin": 200},
    "/dashboard/home": {"anonymous": "login", "rep_a": 403, "rep_b": 403, "manager_a": 200,
                        "manager_b": 200, "admin": "province"},
    "/dashboard/home?home_id={a}": {"anonymous": "login", "rep_a": 403, "rep_b": 403,
                                    "manager_a": 200, "manager_b": 404, "admin": 200},
    "/dashboard/home?home_id=999999": {"anonymous": "login", "rep_a": 403, "rep_b": 403,
                                       "manager_a": 404, "manager_b": 404, "admin": 404},
    "/dashboard/representative": {"anonymous": "login", "rep_a": 200, "rep_b": 200,
                                  "manager_a": 403, "manager_b": 403, "admin": 403},
    "/dashboard/export?table=months": {"anonymous": "login", "rep_a": 403, "rep_b": 403,
                                       "manager_a": 200, "manager_b": 200, "admin": 200},
    "/dashboard/export?table=months&home_id={a}": {"anonymous": "login", "rep_a": 403,
                                                   "rep_b": 403, "manager_a": 200,
                                                   "manager_b": 404, "admin": 200},
    "/dashboard/export?table=nope": {"anonymous": "login", "rep_a": 403, "rep_b": 403,
                                     "manager_a": 404, "manager_b": 404, "admin": 404},
    "/public/reports": {role: 200 for role in ROLES},
}


@pytest.mark.parametrize("path", list(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, client, login, path, role):
    resp = as_role(world, login, client, role).get(path.format(a=world.home_a.id))
    _expect(resp, MATRIX[path][role])


def test_province_page_shows_kpis_charts_and_tables(world, login):
    f.activity(world.rep_a, status=V, date=date(THIS_YEAR, 1, 2), participants=12)
    f.activity(world.rep_b, status=V, date=date(THIS_YEAR, 1, 3), theme=Theme.INNOVATION,
               kind=Kind.SALON, participants=3)
    f.activity(world.rep_b, status=ActivityStatus.SUBMITTED, date=date(THIS_YEAR, 1, 3))
    html = login(world.admin).get("/dashboard/province").get_data(as_text=True)
    assert re.search(r'data-testid="kpi-activities">\s*2\s*<', html)
    assert re.search(r'data-testid="kpi-participants">\s*15\s*<', html)
    for key in ("months", "homes", "compliance", "scores", "grades"):
        assert f'data-testid="chart-{key}"' in html
    for key in ("months", "homes", "compliance", "scores", "grades", "appeals", "home_status",
                "expiring"):
        assert f'data-testid="table-{key}"' in html
        assert f"/dashboard/export?table={key}" in html
    # plotly.js once, from the app itself, and no inline script.
    assert len(re.findall(r'/static/vendor/plotly/plotly-basic\.min\.[0-9a-f]{12}\.js" defer', html)) == 1
    assert len(re.findall(r'/static/js/charts\.[0-9a-f]{12}\.js" defer', html)) == 1
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "cdn" not in html.lower()
    # The figure JSON sits in a data attribute and parses.
    match = re.search(r'data-figure="([^"]*)"', html)
    import html as htmllib
    fig = json.loads(htmllib.unescape(match.group(1)))
    assert fig["config"]["responsive"] is True and fig["config"]["displayModeBar"] is False


def test_province_filters_stay_in_the_url(world, login):
    f.activity(world.rep_a, status=V, date=date(THIS_YEAR, 2, 2))
    f.activity(world.rep_b, status=V, date=date(THIS_YEAR, 2, 3))
    client = login(world.admin)
    html = client.get(f"/dashboard/province?year={THIS_YEAR}&city=苏州市&theme=window"
                      ).get_data(as_text=True)
    assert re.search(r'data-testid="kpi-activities">\s*1\s*<', html)
    assert re.search(r'<option value="苏州市" selected>', html)
    assert "theme=window" in html and "city=%E8%8B%8F%E5%B7%9E%E5%B8%82" in html  # export links
    # Unknown filter values are ignored rather than failing.
    assert client.get("/dashboard/province?year=abc&city=火星&unit_kind=x&theme=y"
                      ).status_code == 200


def test_home_page_lists_representatives_below_threshold(world, login):
    for _ in range(5):
        f.contact(world.rep_a, f.worker(linked_by=world.rep_a), date(THIS_YEAR, 1, 1))
    f.activity(world.rep_a2, status=V, date=date(THIS_YEAR, 3, 3))
    html = login(world.manager_a).get("/dashboard/home").get_data(as_text=True)
    below = html.split('data-testid="below-threshold"')[1].split("</section>")[0]
    assert "代表乙" in below and "代表甲" not in below
    # The heat map is its table, shaded by count (no chart script needed).
    assert 'data-testid="chart-heatmap"' not in html and 'data-testid="table-heatmap"' in html
    assert 'class="heat-4"' in html
    assert "代表丙" not in html  # another Home's representative


def test_representative_page_counts_own_progress(world, login):
    for _ in range(3):
        f.contact(world.rep_a, f.worker(linked_by=world.rep_a), date(THIS_YEAR, 1, 1))
    f.activity(world.rep_a, status=V, date=date(THIS_YEAR, 1, 5))
    f.activity(world.rep_a2, status=V, date=date(THIS_YEAR, 1, 5))
    html = login(world.rep_a).get("/dashboard/representative").get_data(as_text=True)
    assert re.search(r"本年已联系 <strong>3</strong> 位", html)
    table = html.split('data-testid="table-own"')[1].split("</table>")[0]
    # Own activities, then the Home's (rep_a2's too) against the Home's yearly target.
    assert re.search(r"<td>代表\+窗口</td><td>1</td><td>2</td><td>4 项（还差 2 项）</td>", table)
    assert 'data-testid="chart-ring"' in html and 'data-testid="chart-target"' in html


def _grow(world, n_homes):
    """n_homes Homes in all, each with a manager-less representative, activities, contacts,
    appeals — so the pages have more rows to show."""
    homes = [world.home_a, world.home_b]
    for _ in range(n_homes - 2):
        homes.append(f.home(f.unit(city="无锡市", kind="city_association")))
    for h in homes:
        rep = f.representative(h)
        f.activity(rep, status=V, date=date(THIS_YEAR, 1, 9))
        f.activity(rep, status=V, date=date(THIS_YEAR, 2, 9), theme=Theme.INNOVATION,
                   kind=Kind.SALON)
        f.contact(rep, f.worker(linked_by=rep), date(THIS_YEAR, 1, 9))
        f.appeal(rep)
    db.session.commit()


@pytest.mark.parametrize("who,path", [
    ("admin", "/dashboard/province"),
    ("admin", "/dashboard/province?city=无锡市&theme=innovation"),
    ("admin", "/dashboard/home?home_id={a}"),
    ("manager_a", "/dashboard/home"),
    ("rep_a", "/dashboard/representative"),
    ("admin", "/dashboard/export?table=homes"),
    ("anonymous", "/public/reports"),
])
def test_statement_count_does_not_grow_with_homes(world, client, login, who, path):
    c = as_role(world, login, client, who)
    url = path.format(a=world.home_a.id)

    def measure():
        with count_statements() as stmts:
            assert c.get(url).status_code == 200
        return len(stmts)

    _grow(world, 2)
    with_two = measure()
    _grow(world, 20)
    with_twenty = measure()
    assert with_two == with_twenty, (with_two, with_twenty)
    assert with_two >= 2


@pytest.mark.parametrize("table", ["months", "homes", "compliance", "scores", "grades",
                                   "appeals", "home_status", "expiring"])
def test_province_exports_open_in_openpyxl(world, login, table):
    f.activity(world.rep_a, status=V, date=date(THIS_YEAR, 1, 2))
    resp = login(world.admin).get(f"/dashboard/export?table={table}&year={THIS_YEAR}")
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in resp.headers["Content-Disposition"]
    ws = load_workbook(BytesIO(resp.data)).active
    assert ws.max_row >= 3
    # Every cell from the notes down fits its column (the title lines above may overflow).
    from blueprints.xlsx import display_width
    for row in ws.iter_rows(min_row=3):
        for cell in row:
            if cell.value is not None:
                width = ws.column_dimensions[cell.column_letter].width
                assert width >= min(60, display_width(cell.value)), (cell.coordinate, cell.value)


def test_export_rows_match_the_page_table(world, login):
    f.activity(world.rep_a, status=V, date=date(THIS_YEAR, 3, 2))
    f.activity(world.rep_a, status=V, date=date(THIS_YEAR, 3, 9), theme=Theme.PARTY_BUILDING,
               kind=Kind.THEORY_STUDY)
    ws = load_workbook(BytesIO(login(world.manager_a).get(
        f"/dashboard/export?table=months&year={THIS_YEAR}").data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[2] == ("月份", "代表+党建", "代表+窗口", "代表+邻里", "代表+创新", "合计")
    assert rows[5] == ("3月", 1, 1, 0, 0, 2)
    assert rows[-1] == ("合计", 1, 1, 0, 0, 2)
    assert "南京市科协代表之家" in rows[1][0]


def test_export_guards_against_formula_injection(world, login):
    world.home_a.name = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    ws = load_workbook(BytesIO(login(world.admin).get(
        "/dashboard/export?table=homes").data)).active
    names = [row[0] for row in ws.iter_rows(min_row=4, values_only=True)]
    assert "'=HYPERLINK(\"http://evil\")" in names
    assert all(not str(n).startswith(("=", "+", "-", "@")) for n in names)
    assert _safe("+1") == "'+1" and _safe("-x") == "'-x" and _safe("@a") == "'@a"
    assert _safe(-3) == -3 and _safe("正常") == "正常"


def test_plotly_served_locally_with_a_long_cache(app, client):
    with app.test_request_context():
        url = plotly_url()
    assert re.fullmatch(r"/static/vendor/plotly/plotly-basic\.min\.[0-9a-f]{12}\.js", url)
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert resp.mimetype == "text/javascript"
    assert b"plotly" in resp.data[:2000].lower()
    # The same plotly.js version as the Python package that builds the figures.
    bundled = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text()[:200]
    version = re.search(r"plotly\.js v(\S+)", bundled).group(1)
    assert f"(basic - minified) v{version}\n".encode() in resp.data[:200]


def test_csp_allows_inline_styles_only(client):
    csp = client.get("/public/reports").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in csp
    script = [p for p in csp.split(";") if p.strip().startswith("script-src")][0]
    assert script.strip() == "script-src 'self'"
    assert "unsafe-eval" not in csp


def test_public_reports_show_only_verified_published(world, client):
    f.activity(world.rep_a, status=V, published=True, title="已发布已审核A",
               date=date(2026, 1, 2))
    f.activity(world.rep_b, status=V, published=True, title="已发布已审核B",
               date=date(2026, 2, 2))
    f.activity(world.rep_a, status=V, published=False, title="未发布活动")
    f.activity(world.rep_a, status=ActivityStatus.SUBMITTED, published=True, title="待审核活动")
    f.activity(world.rep_a, status=ActivityStatus.RETURNED, published=True, title="已退回活动")
    html = client.get("/public/reports").get_data(as_text=True)
    assert "已发布已审核A" in html and "已发布已审核B" in html
    assert html.index("已发布已审核B") < html.index("已发布已审核A")  # newest first
    for hidden in ("未发布活动", "待审核活动", "已退回活动"):
        assert hidden not in html
    assert "南京市科协代表之家" in html and "代表+窗口" in html and "交流研讨" in html
    assert "attachments" not in html


def test_public_reports_paginate(world, client):
    for i in range(12):
        f.activity(world.rep_a, status=V, published=True, title=f"报道{i:02d}",
                   date=date(2026, 1, 1 + i))
    first = client.get("/public/reports").get_data(as_text=True)
    following = re.search(r'rel="next" href="([^"]+)"', first).group(1)
    second = client.get(following.replace("&amp;", "&")).get_data(as_text=True)
    assert "报道11" in first and "报道00" not in first
    assert "报道00" in second and "报道01" in second and "报道11" not in second
    assert "共 12 条" in first and 'rel="next"' not in second


def test_favicon_is_served(client):
    resp = client.get("/favicon.ico")
    assert resp.status_code == 200 and resp.mimetype == "image/x-icon"
    assert resp.data[:4] == b"\x00\x00\x01\x00"
