"""Print views (A4, no navigation): 公示 results, an assessment's item sheet, a Home's activity
list — with the access of their screen pages and a fixed number of statements."""
from datetime import date
from pathlib import Path

import pytest

from extensions import db
from models.enums import ActivityStatus
from services import assessments as assessment_service
from services import clock
from tests.support import factories as f

YEAR = clock.today().year


def _is_print_page(html: str):
    assert "css/print." in html and "<nav" not in html and "navbar" not in html
    assert "js/print." in html and "data-print" in html


@pytest.fixture()
def published(world):
    a = assessment_service.create_assessment(world.admin, world.home_a.id, YEAR - 1)
    assessment_service.finalize_assessment(world.admin, a)
    assessment_service.publish_assessment(world.admin, a)
    draft = assessment_service.create_assessment(world.admin, world.home_b.id, YEAR - 1)
    db.session.commit()
    return a, draft


def test_results_print_is_public_and_shows_only_published(world, client, published):
    a, _draft = published
    resp = client.get(f"/public/results/print?year={YEAR - 1}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    _is_print_page(html)
    assert "南京市科协代表之家" in html and "苏州市科协代表之家" not in html
    assert f"{YEAR - 1}年度科协代表之家年度考核结果公示" in html
    assert "/public/results/print" in client.get("/public/results").get_data(as_text=True)
    empty = client.get(f"/public/results/print?year={YEAR - 5}").get_data(as_text=True)
    assert "暂无公示的考核结果" in empty


def test_assessment_sheet_print_access(world, login, client, published):
    a, draft = published
    path = f"/province/assessments/{draft.id}/print"
    html = login(world.admin).get(path).get_data(as_text=True)
    _is_print_page(html)
    assert "考核评分表" in html and "B1" in html and "A4" in html and "苏州市科协代表之家" in html
    assert login(world.manager_b).get(path).status_code == 403
    assert login(world.rep_b).get(path).status_code == 403
    client.post("/logout")
    assert client.get(path).status_code == 302
    assert login(world.admin).get("/province/assessments/999999/print").status_code == 404


def test_home_activity_list_print_access(world, login, client):
    f.activity(world.rep_a, status=ActivityStatus.VERIFIED, date=date(YEAR, 1, 4), title="已审核一",
               participants=None)
    f.activity(world.rep_a, status=ActivityStatus.VERIFIED, date=date(YEAR, 2, 4), title="已审核二",
               participants=12)
    f.activity(world.rep_a, status=ActivityStatus.SUBMITTED, date=date(YEAR, 2, 5), title="待审核")
    f.activity(world.rep_b, status=ActivityStatus.VERIFIED, date=date(YEAR, 2, 6), title="别家活动")
    db.session.commit()
    html = login(world.manager_a).get(f"/manage/activities/print?year={YEAR}").get_data(as_text=True)
    _is_print_page(html)
    assert "已审核一" in html and "已审核二" in html and "未填写" in html
    assert "待审核" not in html and "别家活动" not in html and "参与人数合计 12 人" in html
    other = login(world.manager_a).get(f"/manage/activities/print?home_id={world.home_b.id}")
    assert other.status_code == 404  # another Home's
    admin = login(world.admin).get(f"/manage/activities/print?home_id={world.home_b.id}&year={YEAR}")
    assert admin.status_code == 200 and "别家活动" in admin.get_data(as_text=True)
    assert login(world.admin).get("/manage/activities/print").status_code == 404
    assert login(world.rep_a).get("/manage/activities/print").status_code == 403
    client.post("/logout")
    assert client.get("/manage/activities/print").status_code == 302


def test_activity_list_print_statement_count(world, login, statement_counter):
    client = login(world.manager_a)

    def measure():
        with statement_counter() as statements:
            assert client.get(f"/manage/activities/print?year={YEAR}").status_code == 200
        return len(statements)

    f.activity(world.rep_a, status=ActivityStatus.VERIFIED, date=date(YEAR, 1, 4))
    db.session.commit()
    first = measure()
    for i in range(6):
        a = f.activity(world.rep_a2, status=ActivityStatus.VERIFIED, date=date(YEAR, 1, 5 + i))
        a.co_organizers.append(world.rep_a)
    db.session.commit()
    assert measure() == first


def test_pages_print_without_navigation():
    css = (Path(__file__).parents[2] / "static/css/app.css").read_text(encoding="utf-8")
    block = css[css.index("@media print"):]
    assert "nav.navbar" in block and "size: A4" in block
    assert "@media screen and (max-width: 767.98px)" in css  # cards on phones, tables on paper
