"""待办: the panel first on each role's landing page (count and link per entry), the office's
read-only province appeals list (open / overdue), and the panel's statement count."""
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Appeal, Assessment, Notification, Objection
from models.enums import (
    ActivityStatus,
    AppealStatus,
    ApplicationStatus,
    AssessmentStatus,
    ObjectionDecision,
    Role,
)
from services.clock import SHANGHAI, today
from services.receipts import new_receipt
from tests.conftest import count_statements
from tests.support import factories as f

YEAR = today().year


def _received(days_ago: int) -> datetime:
    """A created_at `days_ago` calendar days ago (Asia/Shanghai noon), in UTC."""
    return datetime.combine(today() - timedelta(days=days_ago), time(12), SHANGHAI).astimezone(UTC)


def _panel(html: str) -> str:
    assert 'data-testid="todo"' in html
    return html.split('data-testid="todo"')[1].split("</section>")[0]


def _entry(html: str, key: str) -> tuple[int, str]:
    """(count, href) of the panel entry `key`."""
    panel = _panel(html)
    part = panel.split(f'data-testid="todo-{key}"')[0].rsplit("<a ", 1)[1]
    href = part.split('href="')[1].split('"')[0].replace("&amp;", "&")
    count = panel.split(f'data-testid="todo-{key}-count">')[1].split("<")[0]
    return int(count), href


def _notes(user, n, **kw):
    for i in range(n):
        _db.session.add(Notification(user_id=user.id, kind="test", title=f"通知{i}", **kw))


def test_representative_panel_counts_and_links(world, login):
    f.activity(world.rep_a, status=ActivityStatus.RETURNED, title="退回一")
    f.activity(world.rep_a, status=ActivityStatus.RETURNED, title="退回二")
    f.activity(world.rep_a, status=ActivityStatus.SUBMITTED)
    f.activity(world.rep_a2, status=ActivityStatus.RETURNED, title="别人的退回")
    _notes(world.rep_a, 3)
    _notes(world.rep_a, 2, read_at=datetime.now(UTC))
    _notes(world.rep_a2, 4)
    _db.session.commit()
    client = login(world.rep_a)
    html = client.get("/me/").get_data(as_text=True)
    assert html.index('data-testid="todo"') < html.index('id="progress-title"')  # first
    assert _entry(html, "returned") == (2, "/me/activities?status=returned")
    assert _entry(html, "unread") == (3, "/notifications/")
    listed = client.get("/me/activities?status=returned").get_data(as_text=True)
    assert "退回一" in listed and "退回二" in listed and "别人的退回" not in listed
    assert client.get("/notifications/").status_code == 200


def test_manager_panel_counts_and_links(world, login):
    f.activity(world.rep_a, status=ActivityStatus.SUBMITTED)
    f.activity(world.rep_a2, status=ActivityStatus.SUBMITTED)
    f.activity(world.rep_a, status=ActivityStatus.VERIFIED)
    f.activity(world.rep_b, status=ActivityStatus.SUBMITTED)           # another Home
    f.appeal(world.rep_a, content="诉求一")
    f.appeal(world.rep_a, content="诉求二", status=AppealStatus.FORWARDED)
    f.appeal(world.rep_a, content="诉求三", status=AppealStatus.RESOLVED, response="已答复")
    f.appeal(world.rep_b, content="别家诉求")
    for _ in range(5):                                                  # rep_a reaches the rule
        f.contact(world.rep_a, f.worker(linked_by=world.rep_a), date(YEAR, 1, 2))
    f.contact(world.rep_a2, f.worker(linked_by=world.rep_a2), date(YEAR, 1, 2))
    f.representative(world.home_a, name="停用代表", active=False)        # not counted
    _db.session.commit()
    client = login(world.manager_a)
    html = client.get("/dashboard/home").get_data(as_text=True)
    assert html.index('data-testid="todo"') < html.index('data-testid="kpis"')
    assert _entry(html, "queue") == (2, "/manage/queue")
    assert _entry(html, "appeals") == (2, "/manage/appeals?state=open")
    count, href = _entry(html, "below")
    assert count == 1 and href.startswith("/manage/representatives?")
    assert "compliant=no" in href and "status=active" in href
    appeals = client.get("/manage/appeals?state=open").get_data(as_text=True)
    assert "诉求一" in appeals and "诉求二" in appeals and "诉求三" not in appeals
    below = client.get(href).get_data(as_text=True)
    assert "代表乙" in below and "代表甲" not in below.split("representatives-table")[1]
    assert 'href="/manage/appeals?state=open"' in html  # the 待办诉求 KPI links to the list


def _office_world(world):
    f.application(world.home_a.unit, f.round_(), status=ApplicationStatus.SUBMITTED)
    f.application(f.unit(name="另一单位"), f.round_(year=2027), status=ApplicationStatus.DRAFT)
    published = Assessment(home_id=world.home_a.id, year=YEAR - 1, status=AssessmentStatus.PUBLISHED)
    _db.session.add_all([published,
                         Assessment(home_id=world.home_b.id, year=YEAR - 1,
                                    status=AssessmentStatus.DRAFT),
                         Assessment(home_id=world.home_b.id, year=YEAR - 2,
                                    status=AssessmentStatus.DRAFT),
                         Assessment(home_id=world.home_a.id, year=YEAR - 2,
                                    status=AssessmentStatus.FINAL)])
    _db.session.flush()
    _db.session.add_all([
        Objection(assessment_id=published.id, receipt=new_receipt(), name="李四",
                  contact="13900002222", text="活动记录与实际不符。"),
        Objection(assessment_id=published.id, receipt=new_receipt(), name="王五",
                  contact="13900003333", text="已处理的异议。", decision=ObjectionDecision.DISMISS,
                  response="经核实无误", decided_at=datetime.now(UTC)),
    ])
    f.appeal(world.rep_a, content="诉求甲超期", created_at=_received(20))
    f.appeal(world.rep_b, content="诉求丙超期转办", created_at=_received(16),
             status=AppealStatus.FORWARDED)
    f.appeal(world.rep_a, content="诉求甲十五天", created_at=_received(15))
    f.appeal(world.rep_b, content="诉求丙已办结", created_at=_received(30),
             status=AppealStatus.RESOLVED, response="已答复")
    f.appeal(world.rep_a, content="诉求甲新近", created_at=_received(2))
    _db.session.commit()


def test_office_panel_counts_and_links(world, login):
    _office_world(world)
    client = login(world.admin)
    html = client.get("/dashboard/province").get_data(as_text=True)
    assert html.index('data-testid="todo"') < html.index('data-testid="kpis"')
    assert _entry(html, "applications") == (1, "/province/review?status=submitted")
    assert _entry(html, "objections") == (1, "/province/objections")
    assert _entry(html, "overdue") == (2, "/province/appeals?state=overdue")
    assert _entry(html, "assessments") == (2, f"/province/assessments?year={YEAR - 2}")
    for key in ("applications", "objections", "overdue", "assessments"):
        assert client.get(_entry(html, key)[1]).status_code == 200, key


def test_office_opens_the_province_appeals(world, login):
    _office_world(world)
    client = login(world.admin)
    html = client.get("/dashboard/province").get_data(as_text=True)
    assert 'href="/province/appeals?state=open"' in html  # the 待办诉求 KPI is a link
    resp = client.get("/province/appeals?state=open")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    for text in ("诉求甲超期", "诉求丙超期转办", "诉求甲十五天", "诉求甲新近"):
        assert text in page
    assert "诉求丙已办结" not in page
    assert "南京市科协" in page and "苏州市科协" in page      # each appeal names its Home
    assert "/status" not in page and 'name="response"' not in page  # read-only
    overdue = client.get("/province/appeals?state=overdue").get_data(as_text=True)
    assert "诉求甲超期" in overdue and "诉求丙超期转办" in overdue
    assert "诉求甲十五天" not in overdue and "诉求甲新近" not in overdue and "诉求丙已办结" not in overdue
    one_home = client.get(f"/province/appeals?home_id={world.home_b.id}").get_data(as_text=True)
    assert "诉求丙超期转办" in one_home and "诉求甲超期" not in one_home
    assert client.get("/province/appeals?home_id=999999").status_code == 404
    admin_home = client.get(f"/dashboard/home?home_id={world.home_a.id}").get_data(as_text=True)
    assert 'data-testid="todo"' not in admin_home  # the office's panel is on its own landing page
    assert f"/province/appeals?state=open&amp;home_id={world.home_a.id}" in admin_home


def test_overdue_days_is_a_setting(world, login, app, monkeypatch):
    _office_world(world)
    monkeypatch.setitem(app.config, "APPEAL_OVERDUE_DAYS", 1)
    html = login(world.admin).get("/dashboard/province").get_data(as_text=True)
    assert _entry(html, "overdue")[0] == 4


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("rep_a", 403), ("manager_a", 403), ("manager_b", 403), ("admin", 200),
])
def test_province_appeals_access(world, client, login, who, expected):
    web = client if who == "anonymous" else login(getattr(world, who))
    for url in ("/province/appeals", "/province/appeals?state=overdue",
                f"/province/appeals?home_id={world.home_a.id}"):
        resp = web.get(url)
        assert resp.status_code == expected, (who, url)
        if expected == 302:
            assert "/login" in resp.headers["Location"]


def test_panel_only_for_its_own_role(world, login):
    """Each role sees its own entries only; a manager without a Home sees no panel."""
    rep = login(world.rep_a).get("/me/").get_data(as_text=True)
    assert 'data-testid="todo-queue"' not in rep and 'data-testid="todo-overdue"' not in rep
    manager = login(world.manager_a).get("/dashboard/home").get_data(as_text=True)
    assert 'data-testid="todo-returned"' not in manager
    assert 'data-testid="todo-applications"' not in manager
    applying = f.user(Role.HOME_MANAGER, unit_id=f.unit(name="申报中单位").id, username="applying")
    _db.session.commit()
    page = login(applying).get("/applications/").get_data(as_text=True)
    assert 'data-testid="todo"' not in page


def _grow(world):
    """Many more of everything the panels count."""
    for i in range(15):
        rep = f.representative(world.home_a, name=f"新代表{i}")
        f.activity(rep, status=ActivityStatus.SUBMITTED)
        f.activity(rep, status=ActivityStatus.RETURNED)
        f.appeal(rep, created_at=_received(30))
        f.contact(rep, f.worker(linked_by=rep), date(YEAR, 1, 2))
        _notes(world.rep_a, 1)
        _notes(world.manager_a, 1)
        _notes(world.admin, 1)
        f.activity(world.rep_a, status=ActivityStatus.RETURNED)
        f.application(f.unit(name=f"单位{i}"), f.round_(year=2030 + i),
                      status=ApplicationStatus.SUBMITTED)
        _db.session.add(Assessment(home_id=f.home().id, year=YEAR - 1,
                                   status=AssessmentStatus.DRAFT))
    _db.session.commit()


def test_landing_statement_counts_do_not_grow_with_data(world, login):
    pages = [(world.rep_a, "/me/"), (world.manager_a, "/dashboard/home"),
             (world.admin, "/dashboard/province")]
    before = {}
    for user, url in pages:
        client = login(user)
        client.get(url)  # warm caches
        with count_statements() as statements:
            assert client.get(url).status_code == 200
        before[url] = len(statements)
    _grow(world)
    for user, url in pages:
        client = login(user)
        client.get(url)
        with count_statements() as statements:
            html = client.get(url).get_data(as_text=True)
        assert len(statements) == before[url], url
        assert 'data-testid="todo"' in html


def test_panel_is_one_statement(world, app):
    from blueprints.web.todo import todo_items
    with app.test_request_context("/"):
        for user in (world.rep_a, world.manager_a, world.admin):
            _db.session.refresh(user)  # loaded: only the panel's own statements are counted
            user.scope_home_id  # noqa: B018
            with count_statements() as statements:
                items = todo_items(user)
            assert items and len(statements) == 1, user.role


def _marked(html: str) -> set[int]:
    """Ids of the appeals the list marks 超期."""
    marked = set()
    for chunk in html.split('data-testid="appeal-')[1:]:
        appeal_id, _, rest = chunk.partition('"')
        if 'data-testid="overdue"' in rest.split('data-testid="appeal-')[0]:
            marked.add(int(appeal_id))
    return marked


def test_each_list_marks_the_overdue_appeals(world, login):
    """An open appeal received more than APPEAL_OVERDUE_DAYS days ago is marked 超期 on the
    manager's list and the office's; 15 days is not yet overdue, a resolved one never is."""
    _office_world(world)
    ids = dict(_db.session.execute(sa.select(Appeal.content, Appeal.id)).all())
    manager = login(world.manager_a).get("/manage/appeals").get_data(as_text=True)
    assert _marked(manager) == {ids["诉求甲超期"]}
    assert "超期：未办结且受理已超过 15 天" in manager
    office = login(world.admin).get("/province/appeals").get_data(as_text=True)
    assert _marked(office) == {ids["诉求甲超期"], ids["诉求丙超期转办"]}
