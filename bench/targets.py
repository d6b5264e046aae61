"""What the bench requests: the largest Home and its manager, logged-in clients and tokens, the
deepest list page, the table of measured pages and API calls with their floors, and per request
its statement count and SQL time."""
import statistics
import time

from bench import floors, page_floors
from bench.extras import AUDITOR_USERNAME, CITY_ADMIN_USERNAME
from bench.province import ADMIN_USERNAME, BENCH_PASSWORD


def largest_home(app):
    import sqlalchemy as sa

    from extensions import db
    from models import User
    with app.app_context():
        return db.session.execute(
            sa.select(User.home_id, sa.func.count(User.id)).where(User.role == "representative")
            .group_by(User.home_id).order_by(sa.func.count(User.id).desc(), User.home_id)
            .limit(1)).one()


def manager_of(app, home_id):
    import sqlalchemy as sa

    from extensions import db
    from models import Home, User
    with app.app_context():
        return db.session.scalar(sa.select(User.username).join(Home, Home.unit_id == User.unit_id)
                                 .where(Home.id == home_id).order_by(User.id).limit(1))


def logged_in(app, username):
    client = app.test_client()
    r = client.post("/login", data={"username": username, "password": BENCH_PASSWORD})
    assert r.status_code == 302, f"login of {username} failed: {r.status_code}"
    client.bench_username = username
    return client


def token(app, username):
    r = app.test_client().post("/api/v1/tokens",
                               json={"username": username, "password": BENCH_PASSWORD})
    assert r.status_code == 201, r.get_data(as_text=True)[:300]
    return r.get_json()["token"]


def deep_page(app, per_page=20):
    """The last page number of the admin's activity list and the cursor that opens it."""
    import sqlalchemy as sa

    from extensions import db
    from models import Activity
    from services.paging import encode
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count(Activity.id)))
        last = max(1, -(-total // per_page))
        before = db.session.execute(
            sa.select(Activity.date, Activity.id).order_by(Activity.date.desc(), Activity.id.desc())
            .offset((last - 1) * per_page - 1).limit(1)).one()
    return last, encode("activities", list(before)), tuple(before)


def service_subjects(app):
    """What the audit, survey, needs and sign-in pages are measured on: the city administrator's
    city, the survey with the most responses, and the activity with the most attendees with its
    Home's manager."""
    import sqlalchemy as sa

    from extensions import db
    from models import Activity, Attendee, SurveyResponse, User
    with app.app_context():
        city = db.session.scalar(sa.select(User.city).where(User.username == CITY_ADMIN_USERNAME))
        survey_id = db.session.scalar(
            sa.select(SurveyResponse.survey_id).group_by(SurveyResponse.survey_id)
            .order_by(sa.func.count().desc(), SurveyResponse.survey_id).limit(1))
        hall = db.session.execute(
            sa.select(Attendee.activity_id, Activity.home_id)
            .join(Activity, Activity.id == Attendee.activity_id)
            .group_by(Attendee.activity_id, Activity.home_id)
            .order_by(sa.func.count().desc(), Attendee.activity_id).limit(1)).one()
    assert city and survey_id, "the extras step (bench/extras.py) seeds the city admin and surveys"
    return city, survey_id, tuple(hall)


def service_targets(app, year, admin_c, admin_h, manager_c, home_id):
    """The pages of the audit, survey, needs and sign-in tables: city dashboard, survey results
    (page and API), needs lists (office and the largest Home's manager), an activity's attendance
    (the largest sign-in), /audit first page and a filtered one."""
    city, survey_id, (hall_id, hall_home) = service_subjects(app)
    city_c, auditor_c = logged_in(app, CITY_ADMIN_USERNAME), logged_in(app, AUDITOR_USERNAME)
    hall_c = manager_c if hall_home == home_id else logged_in(app, manager_of(app, hall_home))
    filtered = "/audit/?action=login_failure&result=failure"
    return [
        ("city_page", f"市级工作台 /dashboard/city（{city}，市科协管理员）", city_c,
         "/dashboard/city", {}, lambda raw: page_floors.city_page(raw, year, city), "page"),
        ("survey_results_page", f"调查结果 /surveys/{survey_id}/results（省科协，全省）", admin_c,
         f"/surveys/{survey_id}/results", {},
         lambda raw: page_floors.survey_results(raw, survey_id), "page"),
        ("survey_results_api", f"GET /api/v1/surveys/{survey_id}/results（全省）",
         app.test_client(), f"/api/v1/surveys/{survey_id}/results", admin_h,
         lambda raw: page_floors.survey_results(raw, survey_id), "api"),
        ("needs_office", "需求列表 /needs/（省科协，全部）", admin_c, "/needs/", {},
         lambda raw: page_floors.needs_list(raw, None), "page"),
        ("needs_home", "需求列表 /needs/（最大的家的管理员）", manager_c, "/needs/", {},
         lambda raw: page_floors.needs_list(raw, home_id), "page"),
        ("attendance", f"签到名单 /me/activities/{hall_id}/attendance（签到最多的活动，其家管理员）",
         hall_c, f"/me/activities/{hall_id}/attendance", {},
         lambda raw: page_floors.attendance(raw, hall_id), "page"),
        ("audit_first", "审计日志 /audit/ 第一页（审计管理员）", auditor_c, "/audit/", {},
         lambda raw: page_floors.audit_page(raw), "page"),
        ("audit_filtered", "审计日志 /audit/?action=login_failure&result=failure（筛选后第一页）",
         auditor_c, filtered, {},
         lambda raw: page_floors.audit_page(raw, "login_failure", "failure"), "page"),
    ]


def page_targets(app, year, *, extended=True):
    """(key, label, client, path, headers, floor function, kind) of every measured page or API
    call. kind: "page" (≤ 1.5 × floor, < 1 s), "api" (≤ 1.5 × (floor + one authenticated
    trivial request), < 1 s) or "time" (< 1 s; the ratio is reported)."""
    home_id, reps = largest_home(app)
    manager = manager_of(app, home_id)
    admin_c, manager_c = logged_in(app, ADMIN_USERNAME), logged_in(app, manager)
    admin_h = {"Authorization": f"Bearer {token(app, ADMIN_USERNAME)}"}
    manager_h = {"Authorization": f"Bearer {token(app, manager)}"}
    extra = []
    if extended:
        last, cursor, before = deep_page(app)
        extra = [
            ("province_export", "全省各代表之家活动表导出 .xlsx（/dashboard/export?table=homes）",
             admin_c, "/dashboard/export?table=homes", {},
             lambda raw: floors.province_export(raw, year), "time"),
            ("representatives_export", "代表导出 .xlsx /manage/representatives/export（最大的家）",
             manager_c, "/manage/representatives/export", {},
             lambda raw: floors.representatives_export(raw, year, home_id), "time"),
            ("activities_page_first", "GET /api/v1/activities?page=1（管理员，每页 20）",
             app.test_client(), "/api/v1/activities?per_page=20", admin_h,
             lambda raw: floors.activities_page(raw, 1), "api"),
            ("activities_page_last", f"GET /api/v1/activities?page={last}（最后一页）",
             app.test_client(), f"/api/v1/activities?per_page=20&page={last}", admin_h,
             lambda raw: floors.activities_page(raw, last), "api"),
            ("activities_after_first", "GET /api/v1/activities?after=（第一页）",
             app.test_client(), "/api/v1/activities?per_page=20&after=", admin_h,
             lambda raw: floors.activities_after(raw, None), "api"),
            ("activities_after_last", "GET /api/v1/activities?after=CURSOR（最后一页）",
             app.test_client(), f"/api/v1/activities?per_page=20&after={cursor}", admin_h,
             lambda raw: floors.activities_after(raw, before), "api"),
            ("queue_admin", "审核队列 /manage/queue（省科协，全省）", admin_c, "/manage/queue", {},
             lambda raw: floors.queue(raw, None), "page"),
            ("queue_home", "审核队列 /manage/queue（最大的家的管理员）", manager_c, "/manage/queue",
             {}, lambda raw: floors.queue(raw, home_id), "page"),
        ]
    return home_id, reps, [
        ("province_page", "全省概览页 /dashboard/province", admin_c, "/dashboard/province", {},
         lambda raw: floors.province_page(raw, year), "page"),
        ("dashboard_api", "GET /api/v1/dashboard（全省）", app.test_client(), "/api/v1/dashboard",
         admin_h, lambda raw: floors.dashboard_api(raw, year), "page"),
        ("home_page", "代表之家工作台 /dashboard/home（最大的家）", manager_c, "/dashboard/home", {},
         lambda raw: floors.home_page(raw, year, home_id), "page"),
        ("compliance_api", "GET /api/v1/compliance?home_id=（最大的家）", app.test_client(),
         f"/api/v1/compliance?home_id={home_id}", manager_h,
         lambda raw: floors.compliance_api(raw, year, home_id), "api"),
        ("representatives_page", "代表列表 /manage/representatives（最大的家）", manager_c,
         "/manage/representatives", {},
         lambda raw: floors.representatives_table(raw, year, home_id), "page"),
        *service_targets(app, year, admin_c, admin_h, manager_c, home_id),
        *extra,
    ]


def count_statements(app, client, path, headers):
    import sqlalchemy as sa

    from extensions import db
    with app.app_context():
        engine = db.engine
    seen = []

    def before(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        r = client.get(path, headers=headers)
        assert r.status_code == 200, (path, r.status_code)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return len(seen)


def sql_time(app, client, path, headers, runs):
    """Median over `runs` requests of the time spent in the database (cursor execute to its
    end, summed over the request's statements)."""
    import sqlalchemy as sa

    from extensions import db
    with app.app_context():
        engine = db.engine
    spent, started = [0.0], {}

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        spent[0] += time.perf_counter() - started.pop(id(cursor), time.perf_counter())
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    samples = []
    try:
        for _ in range(runs):
            spent[0] = 0.0
            assert client.get(path, headers=headers).status_code == 200
            samples.append(spent[0])
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    return statistics.median(samples)
