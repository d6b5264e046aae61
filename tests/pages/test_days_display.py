"""One rule for a number of days (blueprints.display.days_text): "19 天" for whole numbers, one
decimal otherwise ("6.5 天"), — when none; the same text on every dashboard card, table note and
the Excel files (numbers formatted to read alike)."""
import re
from datetime import UTC, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

from blueprints.display import days_text
from models.enums import AppealStatus
from tests.support import factories as f

RES = AppealStatus.RESOLVED
YEAR = 2026


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize("value, text", [
    (None, "—"), (19, "19 天"), (19.0, "19 天"), (6.5, "6.5 天"), (0, "0 天"), (0.0, "0 天"),
    (2.25, "2.2 天"), (2.96, "3 天"), (100.04, "100 天"),
])
def test_days_text(value, text):
    assert days_text(value) == text


def _kpi(html, testid):
    return re.search(rf'data-testid="kpi-{testid}"[^>]*>([^<]*)<', html).group(1).strip()


@pytest.mark.parametrize("days, text", [((3, 10), "6.5 天"), ((19,), "19 天")])
def test_cards_tables_and_exports_say_the_same(world, db, login, days, text):
    for n in days:
        f.appeal(world.rep_a, status=RES, created_at=utc(YEAR, 3, 1, 2),
                 resolved_at=utc(YEAR, 3, 1 + n, 2))
    db.session.commit()
    client = login(world.admin)
    province = client.get(f"/dashboard/province?year={YEAR}").get_data(as_text=True)
    assert _kpi(province, "median-days") == text
    notes = re.findall(r'data-testid="note-appeals">([^<]*)<', province)
    assert f"办结用时中位数：{text}" in [n.strip() for n in notes]
    city = client.get(f"/dashboard/city?year={YEAR}&city={world.home_a.unit.city}")
    city = city.get_data(as_text=True)
    assert _kpi(city, "median-days") == text
    home = client.get(f"/dashboard/home?year={YEAR}&home_id={world.home_a.id}")
    assert _kpi(home.get_data(as_text=True), "median-days") == text
    resp = client.get(f"/dashboard/export?table=appeals&year={YEAR}")
    manager = login(world.manager_a).get(f"/dashboard/home?year={YEAR}").get_data(as_text=True)
    assert _kpi(manager, "median-days") == text
    for page in (province, city, home.get_data(as_text=True), manager):
        assert not re.search(r"\d\.0 天|（天）", page)
    ws = load_workbook(BytesIO(resp.data)).active
    [cell] = [row[1] for row in ws.iter_rows() if row[0].value == "办结用时中位数"]
    assert cell.value == pytest.approx(sum(days) / len(days) if len(days) == 2 else days[0])
    assert cell.number_format == 'General" 天"'


def test_an_empty_median_reads_a_dash(world, login):
    html = login(world.admin).get(f"/dashboard/province?year={YEAR}").get_data(as_text=True)
    assert _kpi(html, "median-days") == "—"


def test_the_needs_card_and_export_use_the_same_rule(world, db, login):
    from models.enums import NeedStatus
    from services.clock import today
    from tests.support.needs import need
    need(NeedStatus.ASSIGNED, home=world.home_a, reps=[world.rep_a])
    db.session.commit()
    client = login(world.admin)
    year = today().year
    html = client.get(f"/dashboard/province?year={year}").get_data(as_text=True)
    assert "受理至接单用时中位数" in html and _kpi(html, "needs-days") == "3 天"
    ws = load_workbook(BytesIO(client.get(f"/needs/export.xlsx?year={year}").data)).active
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    col = header.index("受理至接单用时中位数")
    province = rows[1][col]
    assert province.value == 3 and province.number_format == 'General" 天"'
