"""HTML list pages page by keyset (`after=` / `before=` cursors, blueprints/web/paging.py): walking
下一页 visits every row of the list exactly once, in the list's order, with ties in the sort key;
上一页 walks back the same pages; filters stay in the links; a cursor that is not the list's answers
422 with a page naming it (never 500); a page's statements do not grow with the rows behind it."""
import html
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from models import Activity, Appeal, JobRun, Need, Notification, Unit, User
from models.base import utcnow
from models.enums import ActivityStatus, JobStatus, Role, UnitKind
from services import paging, summaries
from tests.conftest import count_statements
from tests.support import factories as f
from tests.support import needs as need_support

ROW = re.compile(r'data-row-id="(\d+)"')
LINK = {rel: re.compile(rf'rel="{rel}" href="([^"]+)"') for rel in ("next", "prev")}
PER_PAGE = 3


def _ids(body: str) -> list[int]:
    return [int(x) for x in ROW.findall(body)]


def _link(body: str, rel: str) -> str | None:
    found = LINK[rel].search(body)
    return html.unescape(found.group(1)) if found else None


def walk(client, url: str, *, limit: int = 60) -> tuple[list[list[int]], list[str]]:
    """Follow 下一页 from `url`: (the row ids of each page, the address of each page)."""
    pages, urls = [], []
    while url:
        assert len(pages) < limit, "下一页 never ends"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data(as_text=True)
        pages.append(_ids(body))
        urls.append(url)
        url = _link(body, "next")
    return pages, urls


def walk_back(client, url: str, *, limit: int = 60) -> list[list[int]]:
    """Follow 上一页 from `url` to the first page: the row ids of each page, last page first."""
    pages = []
    while url:
        assert len(pages) < limit, "上一页 never ends"
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data(as_text=True)
        pages.append(_ids(body))
        url = _link(body, "prev")
    return pages


def _ordered(stmt) -> list[int]:
    from extensions import db
    return list(db.session.scalars(stmt))


def assert_walks(client, url, expected: list[int], *, keep: dict | None = None):
    """下一页 from `url` visits `expected` exactly once in order, `keep`'s arguments in every
    link; 上一页 from the last page gives the same pages back; the first page has no 上一页."""
    pages, urls = walk(client, url)
    seen = [i for page in pages for i in page]
    assert seen == expected
    assert len(seen) == len(set(seen))
    assert all(len(page) == PER_PAGE for page in pages[:-1])
    assert len(pages) == max(1, -(-len(expected) // PER_PAGE))
    for address in urls[1:]:
        assert "after=" in address and "page=" not in address
        for key, value in (keep or {}).items():
            assert f"{key}={value}" in address, (address, key)
    back = walk_back(client, urls[-1])
    assert back == list(reversed(pages))
    first = client.get(url).get_data(as_text=True)
    assert _link(first, "prev") is None


@pytest.fixture()
def small_pages(monkeypatch):
    """Every converted list pages by PER_PAGE rows."""
    import blueprints.activities.lists as lists
    import blueprints.activities.mine as mine
    import blueprints.activities.review as review
    import blueprints.admin.routes as admin
    import blueprints.jobs_admin.routes as jobs_admin
    import blueprints.manage.routes as manage
    import blueprints.needs.office as needs_office
    import blueprints.notifications.routes as notifications
    import blueprints.provincial.appeals as provincial_appeals
    import blueprints.public.reports as reports
    import blueprints.security.routes as security
    import blueprints.sysadmin.routes as sysadmin
    for module in (lists, mine, review, admin, jobs_admin, manage, needs_office, notifications,
                   provincial_appeals, reports, security, sysadmin):
        monkeypatch.setattr(module, "PER_PAGE", PER_PAGE)


def _activities(world, db, n=8):
    """n activities of Home A (ties: most on one date, submitted in one instant) and 3 of Home B."""
    moment = utcnow().replace(microsecond=0)
    for i in range(n):
        status = (ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED, ActivityStatus.DRAFT)[i % 3]
        f.activity(world.rep_a if i % 2 else world.rep_a2, date=date(2026, 3, 1 + (i // 5)),
                   status=status, submitted_at=moment if status == ActivityStatus.SUBMITTED
                   else None, title=f"活动{i}")
    for _ in range(3):
        f.activity(world.rep_b, submitted_at=moment)
    db.session.commit()


def _listed(*where):
    return sa.select(Activity.id).where(*where).order_by(Activity.date.desc(), Activity.id.desc())


# --- the activity lists and the queues ------------------------------------------------------

def test_home_activity_list_walks_every_row_once(world, db, client, login, small_pages):
    _activities(world, db, 11)
    login(world.manager_a)
    assert_walks(client, "/manage/activities", _ordered(_listed(Activity.home_id == world.home_a.id)))


def test_province_activity_list_keeps_filters_in_the_cursor_links(world, db, client, login,
                                                                   small_pages):
    _activities(world, db, 14)
    login(world.admin)
    url = f"/manage/activities?home_id={world.home_a.id}&status=submitted"
    expected = _ordered(_listed(Activity.home_id == world.home_a.id,
                                Activity.status == ActivityStatus.SUBMITTED))
    assert len(expected) > PER_PAGE
    assert_walks(client, url, expected, keep={"home_id": world.home_a.id, "status": "submitted"})
    everything = _ordered(_listed())
    assert_walks(client, "/manage/activities", everything)


def test_my_activities_walk_every_row_once(world, db, client, login, small_pages):
    _activities(world, db, 10)
    login(world.rep_a)
    expected = _ordered(_listed(Activity.organizer_id == world.rep_a.id))
    assert_walks(client, "/me/activities", expected)


@pytest.mark.parametrize("who", ["manager_a", "admin"])
def test_queue_walks_every_waiting_activity_with_its_summary_total(world, db, client, login,
                                                                  small_pages, who):
    _activities(world, db, 13)
    login(getattr(world, who))
    where = [Activity.status == ActivityStatus.SUBMITTED]
    if who == "manager_a":
        where.append(Activity.home_id == world.home_a.id)
    expected = _ordered(sa.select(Activity.id).where(*where)
                        .order_by(Activity.submitted_at, Activity.id))
    assert_walks(client, "/manage/queue", expected)
    body = client.get("/manage/queue").get_data(as_text=True)
    assert f'data-testid="waiting">{len(expected)}<' in body
    assert f"共 {len(expected)} 条" in body


def test_queue_and_todo_count_from_the_summary_not_the_activities(world, db, client, login):
    _activities(world, db, 6)
    login(world.manager_a)
    with count_statements() as statements:
        assert client.get("/manage/queue").status_code == 200
    counts = [s for s in statements if "count(" in s.lower() and "activities" in s]
    assert counts == []  # the badge reads summary_home_submitted; the page reads its rows
    assert any("summary_home_submitted" in s for s in statements)
    with count_statements() as statements:
        body = client.get("/dashboard/home").get_data(as_text=True)
    todo = [s for s in statements if "summary_home_submitted" in s]
    assert len(todo) == 1 and "FROM activities" not in todo[0]  # 待办: one statement, no scan
    waiting = summaries.submitted_count(world.home_a.id)
    assert waiting == db.session.scalar(sa.select(sa.func.count(Activity.id)).where(
        Activity.home_id == world.home_a.id, Activity.status == ActivityStatus.SUBMITTED)) > 0
    assert f'data-testid="todo-queue-count">{waiting}<' in body


def test_review_page_counts_what_is_left_from_the_summary(world, db, client, login):
    _activities(world, db, 9)
    login(world.manager_a)
    first = db.session.scalar(sa.select(Activity.id).where(
        Activity.home_id == world.home_a.id, Activity.status == ActivityStatus.SUBMITTED)
        .order_by(Activity.submitted_at, Activity.id))
    client.post(f"/manage/activities/{first}/verify")
    with count_statements() as statements:
        body = client.get(f"/manage/activities/{first}").get_data(as_text=True)
    left = summaries.submitted_count(world.home_a.id)
    assert left == 2 and f"还有 {left} 条待审核" in body
    assert not [s for s in statements if "count(" in s.lower() and "FROM activities" in s]


# --- the other lists --------------------------------------------------------------------------

def test_appeals_walk_every_row_once(world, db, client, login, small_pages):
    for i in range(8):
        f.appeal(world.rep_a if i % 2 else world.rep_a2)
    f.appeal(world.rep_b)
    db.session.commit()
    ordered = sa.select(Appeal.id).order_by(
        sa.case((Appeal.status.in_(("received", "forwarded")), 0), else_=1),
        Appeal.created_at.desc(), Appeal.id.desc())
    login(world.manager_a)
    assert_walks(client, "/manage/appeals", _ordered(ordered.where(Appeal.home_id == world.home_a.id)))
    login(world.admin)
    assert_walks(client, "/province/appeals", _ordered(ordered))


def test_accounts_and_users_walk_every_row_once(world, db, client, login, small_pages):
    for i in range(6):
        f.representative(world.home_a, name="同名代表", active=i % 3 != 0)
    db.session.commit()
    login(world.manager_a)
    accounts = _ordered(sa.select(User.id).where(
        User.role == Role.REPRESENTATIVE, User.home_id == world.home_a.id)
        .order_by(User.active.desc(), User.name_key, User.id))
    assert_walks(client, "/manage/accounts", accounts)
    login(world.admin)
    users = _ordered(sa.select(User.id).order_by(User.role, User.name_key, User.id))
    assert_walks(client, "/admin/users", users)
    representatives = _ordered(sa.select(User.id).where(User.role == Role.REPRESENTATIVE)
                               .order_by(User.role, User.name_key, User.id))
    assert_walks(client, "/admin/users?role=representative", representatives,
                 keep={"role": "representative"})


def test_units_walk_every_row_once(world, db, client, login, small_pages):
    for i in range(5):  # one kind: the name (then the id) orders them
        db.session.add(Unit(name=f"学会{i % 3}{i}", kind=UnitKind.PROVINCIAL_SOCIETY))
    db.session.commit()
    login(world.admin)
    units = _ordered(sa.select(Unit.id).order_by(Unit.kind, Unit.name, Unit.id))
    assert_walks(client, "/admin/units", units)


def test_notifications_walk_unread_first_then_newest(world, db, client, login, small_pages):
    moment = utcnow()
    for i in range(9):
        db.session.add(Notification(user_id=world.rep_a.id, kind="announcement",
                                    title=f"通知{i}", body="内容",
                                    created_at=moment - timedelta(hours=i // 4),
                                    read_at=moment if i % 3 == 0 else None))
    db.session.add(Notification(user_id=world.rep_b.id, kind="announcement", title="别人的",
                                body="内容"))
    db.session.commit()
    login(world.rep_a)
    ordered = _ordered(sa.select(Notification.id).where(Notification.user_id == world.rep_a.id)
                       .order_by(sa.case((Notification.read_at.is_(None), 0), else_=1),
                                 Notification.created_at.desc(), Notification.id.desc()))
    assert_walks(client, "/notifications/", ordered)


def test_job_runs_walk_every_row_once(world, db, client, login, small_pages):
    moment = utcnow()
    for i in range(8):
        db.session.add(JobRun(job_name="compliance_sweep", as_of=date(2026, 3, 1),
                              started_at=moment - timedelta(minutes=i // 3),
                              status=JobStatus.SUCCESS))
    db.session.commit()
    login(world.admin)
    runs = _ordered(sa.select(JobRun.id).order_by(JobRun.started_at.desc(), JobRun.id.desc()))
    assert_walks(client, "/admin/jobs/", runs)
    failed = client.get("/admin/jobs/?status=failed").get_data(as_text=True)
    assert _ids(failed) == []


def test_separated_administrators_lists_walk_every_row_once(world, db, client, login,
                                                           small_pages):
    system = f.user(Role.SYSTEM_ADMIN)
    security = f.user(Role.SECURITY_ADMIN)
    for role in (Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        f.user(role)
    db.session.commit()
    login(system)
    from models.enums import ADMINISTRATOR_ACCOUNT_ROLES
    admins = _ordered(sa.select(User.id).where(User.role.in_(sorted(ADMINISTRATOR_ACCOUNT_ROLES)))
                      .order_by(User.role, User.id))
    assert_walks(client, "/sysadmin/users", admins)
    login(security)
    pages, _ = walk(client, "/security/users")
    seen = [i for p in pages for i in p]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) and len(seen) >= 6


def test_public_reports_walk_every_published_report_once(db, client, small_pages):
    w = f.world()
    for i in range(7):
        f.activity(w.rep_a, status=ActivityStatus.VERIFIED, published=True,
                   date=date(2026, 3, 1 + i // 3))
    f.activity(w.rep_a, status=ActivityStatus.VERIFIED, published=False)
    db.session.commit()
    expected = _ordered(_listed(Activity.status == ActivityStatus.VERIFIED,
                                Activity.published.is_(True)))
    assert_walks(client, "/public/reports", expected)


def test_needs_walk_every_row_once(world, db, client, login, small_pages):
    moment = utcnow()
    for i in range(8):
        need_support.need(received_at=moment - timedelta(days=i // 3))
    db.session.commit()
    login(world.admin)
    expected = _ordered(sa.select(Need.id).order_by(Need.received_at.desc(), Need.id.desc()))
    assert_walks(client, "/needs/", expected)


# --- bad cursors ----------------------------------------------------------------------------

LISTS = [("manager_a", "/manage/activities"), ("rep_a", "/me/activities"),
         ("manager_a", "/manage/queue"), ("admin", "/manage/queue"),
         ("manager_a", "/manage/appeals"), ("admin", "/province/appeals"),
         ("manager_a", "/manage/accounts"), ("rep_a", "/notifications/"),
         ("admin", "/admin/users"), ("admin", "/admin/units"), ("admin", "/admin/jobs/"),
         ("admin", "/province/objections"), ("admin", "/needs/"), (None, "/public/reports")]
BAD = ["garbage", "!!!", "eyJ4IjoxfQ", paging.encode("activities", ["x", "y"]),
       paging.encode("units", [1]), paging.encode("activities", ["9999-12-31", 2**40]),
       "A" * 5000]


@pytest.mark.parametrize("who,url", LISTS)
def test_a_cursor_that_is_not_the_lists_answers_422_naming_it(world, db, client, login, who, url):
    if who:
        login(getattr(world, who))
    for field in ("after", "before"):
        for cursor in BAD:
            response = client.get(f"{url}{'&' if '?' in url else '?'}{field}={cursor}")
            assert response.status_code == 422, (url, field, cursor)
            body = response.get_data(as_text=True)
            assert 'data-testid="bad-cursor"' in body and f"「{field}」" in body
            assert "回到第一页" in body
    assert client.get(f"{url}?after=").status_code == 200  # empty: the first page


# --- statements per page -------------------------------------------------------------------

def _statements(client, url) -> int:
    with count_statements() as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("who,url", [("manager_a", "/manage/activities"),
                                     ("admin", "/manage/activities"),
                                     ("rep_a", "/me/activities"),
                                     ("manager_a", "/manage/queue"), ("admin", "/manage/queue"),
                                     ("admin", "/admin/users"), ("rep_a", "/notifications/")])
def test_a_pages_statements_do_not_grow_with_the_data(world, db, client, login, small_pages,
                                                      who, url):
    _activities(world, db, 9)
    login(getattr(world, who))
    first = _statements(client, url)
    second_url = _link(client.get(url).get_data(as_text=True), "next")
    second = _statements(client, second_url) if second_url else first
    _activities(world, db, 30)
    for i in range(10):
        f.representative(world.home_a, name=f"新代表{i}")
        db.session.add(Notification(user_id=world.rep_a.id, kind="announcement",
                                    title="通知", body="内容"))
    db.session.commit()
    assert _statements(client, url) == first
    deeper = _link(client.get(url).get_data(as_text=True), "next")
    assert deeper and _statements(client, deeper) == second


def test_a_total_above_the_cap_is_shown_capped_in_one_statement(world, db, app, monkeypatch):
    monkeypatch.setattr(paging, "EXACT_TOTAL_LIMIT", 4)
    import blueprints.web.paging as web_paging
    monkeypatch.setattr(web_paging, "EXACT_TOTAL_LIMIT", 4)
    _activities(world, db, 8)
    stmt = sa.select(Activity).order_by(Activity.id)
    with count_statements() as statements:
        assert paging.count_capped(stmt, estimate=False) == (5, True)
    assert len(statements) == 1
    assert web_paging.total_text(5, True) == "4+"
    assert paging.count_capped(stmt.where(Activity.home_id == world.home_b.id),
                               estimate=False) == (3, False)


def test_keyset_page_before_the_first_rows_is_the_first_page(world, db, app):
    """A before= page that finds fewer than a page before it (rows deleted meanwhile) is the first
    page read again; an after= page past the end is empty with a link to the first page."""
    _activities(world, db, 7)
    stmt = sa.select(Activity).order_by(Activity.date.desc(), Activity.id.desc())
    first = paging.keyset_page(stmt, per_page=3)
    assert first.prev is None and first.next
    second = paging.keyset_page(stmt, after=first.next, per_page=3)
    assert second.prev
    back = paging.keyset_page(stmt, before=second.prev, per_page=3)
    assert [a.id for a in back.items] == [a.id for a in first.items] and back.prev is None
    db.session.delete(first.items[0])
    db.session.commit()
    again = paging.keyset_page(stmt, before=second.prev, per_page=3)
    assert len(again.items) == 3 and again.prev is None
    last = paging.keyset_page(stmt, after=paging.encode("activities", ["2000-01-01", 1]),
                              per_page=3)
    assert last.items == [] and last.next is None and last.prev == ""


def test_the_api_keeps_page_mode_by_default_and_after_on_request(world, db, api):
    _activities(world, db, 5)
    client = api(world.admin)
    body = client.get("/activities?per_page=2").get_json()
    assert body["page"] == 1 and body["per_page"] == 2 and body["total"] == 8
    assert "next" not in body
    keyset = client.get("/activities?per_page=2&after=").get_json()
    assert [a["id"] for a in keyset["items"]] == [a["id"] for a in body["items"]]
    assert keyset["next"] and "total" not in keyset
    refused = client.get("/activities?after=garbage")
    assert refused.status_code == 422 and "after" in refused.get_json()["error"]["fields"]


def test_audit_log_walks_every_entry_once_and_refuses_a_bad_cursor(world, db, client, login,
                                                                   monkeypatch):
    import blueprints.audit.routes as audit_routes
    from models import AuditLog
    monkeypatch.setattr(audit_routes, "PER_PAGE", PER_PAGE)
    auditor = f.user(Role.AUDIT_ADMIN)
    db.session.commit()
    for user in (world.rep_a, world.manager_a, world.rep_b, auditor):
        login(user)  # each sign-in is an entry
    pages, urls = walk(client, "/audit/")
    seen = [i for page in pages for i in page]
    top = seen[0]
    assert seen == _ordered(sa.select(AuditLog.id).where(AuditLog.id <= top)
                            .order_by(AuditLog.id.desc()))
    assert len(seen) > PER_PAGE and len(seen) == len(set(seen))
    for cursor in ("garbage", "-1", "１２", "9" * 13):
        response = client.get(f"/audit/?after={cursor}")
        assert response.status_code == 422, cursor
        assert 'data-testid="bad-cursor"' in response.get_data(as_text=True)


def test_objections_walk_undecided_first_and_a_decision_keeps_the_page(world, db, client, login,
                                                                       small_pages, monkeypatch):
    from decimal import Decimal

    import blueprints.provincial.objections as objections_page
    from models import Assessment, Objection
    from models.enums import AssessmentStatus, Grade, ObjectionDecision
    from services.receipts import new_receipt
    monkeypatch.setattr(objections_page, "PER_PAGE", PER_PAGE)
    assessment = Assessment(home_id=world.home_a.id, year=2025, status=AssessmentStatus.PUBLISHED,
                            total=Decimal("80"), grade=Grade.GOOD,
                            publicity_start=date(2026, 3, 1), publicity_end=date(2026, 3, 7))
    db.session.add(assessment)
    db.session.flush()
    moment = utcnow()
    for i in range(8):  # filed in three instants: ties on filed_at
        db.session.add(Objection(
            assessment_id=assessment.id, receipt=new_receipt(), name="李四", contact="13900002222",
            text="不符", filed_at=moment - timedelta(hours=i // 3),
            decision=ObjectionDecision.DISMISS if i % 4 == 0 else None,
            response="不属实" if i % 4 == 0 else "", decided_at=moment if i % 4 == 0 else None))
    db.session.commit()
    login(world.admin)
    ordered = _ordered(sa.select(Objection.id).order_by(
        sa.case((Objection.decision.is_(None), 0), else_=1), Objection.filed_at.desc(),
        Objection.id.desc()))
    assert_walks(client, "/province/objections", ordered)
    second = _link(client.get("/province/objections").get_data(as_text=True), "next")
    cursor = second.split("after=", 1)[1]
    target = _ids(client.get(second).get_data(as_text=True))[0]
    response = client.post(f"/province/objections/{target}/decision?after={cursor}",
                           data={"decision": "dismiss", "response": "经核实不属实。"})
    assert response.status_code == 302 and f"after={cursor}" in response.headers["Location"]


@pytest.mark.parametrize("who,query", [
    ("manager_a", "status=verified&year=2026"),
    ("manager_a", "status=verified&year=2026&theme=window"),
    ("admin", "status=verified&year=2026"),
    ("admin", "status=verified&year=2026&home_id={home_b}"),
])
def test_verified_totals_of_a_year_come_from_the_summary(world, db, client, login, who, query):
    _activities(world, db, 12)
    f.activity(world.rep_b, status=ActivityStatus.VERIFIED, date=date(2025, 12, 31))
    db.session.commit()
    login(getattr(world, who))
    url = "/manage/activities?" + query.format(home_b=world.home_b.id)
    with count_statements() as statements:
        body = client.get(url).get_data(as_text=True)
    assert not [s for s in statements if "count(" in s.lower() and "FROM activities" in s]
    where = [Activity.status == ActivityStatus.VERIFIED, Activity.date >= date(2026, 1, 1),
             Activity.date <= date(2026, 12, 31)]
    if who == "manager_a":
        where.append(Activity.home_id == world.home_a.id)
    if "home_id" in query:
        where.append(Activity.home_id == world.home_b.id)
    if "theme" in query:
        where.append(Activity.theme == "window")
    total = db.session.scalar(sa.select(sa.func.count(Activity.id)).where(*where))
    assert f'data-testid="total">{total}<' in body and f"共 {total} 条" in body


def test_a_city_admins_verified_total_stays_in_its_city(world, db, client, login):
    _activities(world, db, 9)
    city = f.user(Role.CITY_ADMIN, city="南京市")
    db.session.commit()
    login(city)
    body = client.get(f"/manage/activities?status=verified&year=2026&home_id={world.home_b.id}"
                      ).get_data(as_text=True)
    assert _ids(body) == [] and 'data-testid="total">0<' in body
    body = client.get("/manage/activities?status=verified&year=2026").get_data(as_text=True)
    total = db.session.scalar(sa.select(sa.func.count(Activity.id)).where(
        Activity.status == ActivityStatus.VERIFIED, Activity.home_id == world.home_a.id))
    assert total and f'data-testid="total">{total}<' in body and len(_ids(body)) == total
