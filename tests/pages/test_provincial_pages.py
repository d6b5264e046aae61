"""Provincial office pages, the manager's application and basic-condition pages: rendering,
workflows through the forms, the access matrix and the query budget."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Application, ApplicationRound, Assessment, Home, HomePlan
from models.enums import ApplicationStatus, AssessmentStatus, Grade, HomeStatus
from services import assessments as assessment_service
from services import clock
from tests.conftest import count_statements
from tests.support import factories as f


@pytest.fixture()
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 6, 1))
    return date(2026, 6, 1)


@pytest.fixture()
def data(world, today):
    """A round with a submitted application of an applicant unit and a draft assessment."""
    world.round = f.round_(year=2026, deadline=date(2026, 6, 30), quota=2)
    world.unit = f.unit(name="江苏省化学化工学会")
    world.applicant = f.user(f.Role.HOME_MANAGER, unit_id=world.unit.id, username="applicant")
    world.application = f.application(world.unit, world.round, status=ApplicationStatus.SUBMITTED)
    world.assessment = assessment_service.create_assessment(None, world.home_a.id, 2025)
    _db.session.commit()
    return world


def admin_pages(w):
    return [
        "/province/rounds", f"/province/rounds/{w.round.id}/edit", "/province/review",
        "/province/homes", "/province/assessments?year=2025",
        f"/province/assessments/{w.assessment.id}",
    ]


def admin_posts(w):
    return [
        ("/province/rounds", {"year": 2030, "deadline": "2030-06-30", "quota": 5}),
        (f"/province/rounds/{w.round.id}/edit", {"year": 2026, "deadline": "2026-07-31",
                                                  "quota": 3}),
        (f"/province/applications/{w.application.id}/review", {"decision": "approve"}),
        (f"/province/homes/{w.home_a.id}/renew", {}),
        ("/province/assessments/create", {"year": 2025, "scope": "all"}),
        (f"/province/assessments/{w.assessment.id}/items/B1", {"score": 5, "reason": "核查"}),
        (f"/province/assessments/{w.assessment.id}/recompute", {}),
        (f"/province/assessments/{w.assessment.id}/finalize", {}),
    ]


def test_admin_pages_render(data, login):
    client = login(data.admin)
    for path in admin_pages(data):
        resp = client.get(path)
        assert resp.status_code == 200, path
        assert "<script>" not in resp.get_data(as_text=True)
        assert 'style="' not in resp.get_data(as_text=True)


@pytest.mark.parametrize("who", ["manager_a", "rep_a", "manager_b", "rep_b", "applicant"])
def test_admin_pages_forbidden_to_others(data, login, who):
    client = login(getattr(data, who))
    for path in admin_pages(data):
        assert client.get(path).status_code == 403, path
    for path, form in admin_posts(data):
        assert client.post(path, data=form).status_code == 403, path
    assert _db.session.get(Application, data.application.id).status == ApplicationStatus.SUBMITTED
    assert _db.session.scalar(sa.select(sa.func.count(ApplicationRound.id))) == 1


def test_admin_pages_redirect_anonymous(data, client):
    for path in admin_pages(data):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], path
    for path, form in admin_posts(data):
        assert client.post(path, data=form).status_code == 302, path


def test_rounds_page_counts_approved_in_one_query(data, login):
    for _ in range(2):
        unit = f.unit()
        f.application(unit, data.round, status=ApplicationStatus.APPROVED)
    other = f.round_(year=2025, deadline=date(2025, 6, 30))
    f.application(f.unit(), other, status=ApplicationStatus.APPROVED)
    _db.session.commit()
    client = login(data.admin)
    html = client.get("/province/rounds").get_data(as_text=True)
    assert f'data-testid="approved-{data.round.id}">2<' in html
    assert f'data-testid="approved-{other.id}">1<' in html
    assert "名额已满" in html
    with count_statements() as few:
        client.get("/province/rounds")
    for year in range(2010, 2020):
        rnd = f.round_(year=year, deadline=date(year, 6, 30))
        f.application(f.unit(), rnd, status=ApplicationStatus.APPROVED)
    _db.session.commit()
    with count_statements() as many:
        client.get("/province/rounds")
    assert len(many) == len(few)


def test_create_and_edit_round_through_pages(data, login):
    client = login(data.admin)
    resp = client.post("/province/rounds", data={"year": 2027, "deadline": "2027-06-30",
                                                 "quota": 8})
    assert resp.status_code == 302
    assert _db.session.scalar(sa.select(ApplicationRound.quota).where(
        ApplicationRound.year == 2027)) == 8
    resp = client.post("/province/rounds", data={"year": 2027, "deadline": "2027-06-30"})
    assert resp.status_code == 422 and "已存在" in resp.get_data(as_text=True)
    resp = client.post(f"/province/rounds/{data.round.id}/edit",
                       data={"year": 2026, "deadline": "2026-07-15", "quota": 4})
    assert resp.status_code == 302
    _db.session.refresh(data.round)
    assert (data.round.deadline, data.round.quota) == (date(2026, 7, 15), 4)


def test_review_queue_and_decisions(data, login):
    client = login(data.admin)
    html = client.get("/province/review").get_data(as_text=True)
    assert data.unit.name in html and f'data-application-id="{data.application.id}"' in html
    # returning without an opinion is refused with a message naming it
    resp = client.post(f"/province/applications/{data.application.id}/review",
                       data={"decision": "return", "opinion": ""}, follow_redirects=True)
    assert "省科协意见" in resp.get_data(as_text=True)
    assert _db.session.get(Application, data.application.id).status == \
        ApplicationStatus.SUBMITTED
    resp = client.post(f"/province/applications/{data.application.id}/review",
                       data={"decision": "approve", "opinion": "同意认定"}, follow_redirects=True)
    assert "有效期至2028-05-31" in resp.get_data(as_text=True)
    home = _db.session.scalar(sa.select(Home).where(Home.unit_id == data.unit.id))
    assert home.status == HomeStatus.ACTIVE and home.recognized_on == date(2026, 6, 1)


def test_review_queue_query_budget(data, login):
    client = login(data.admin)
    with count_statements() as few:
        client.get("/province/review")
    for _ in range(8):
        f.application(f.unit(), data.round, status=ApplicationStatus.SUBMITTED)
    _db.session.commit()
    with count_statements() as many:
        client.get("/province/review")
    assert len(many) == len(few)


def test_homes_page_highlights_expiring_and_renews(data, login, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 20))  # home_a expires 2027-01-10
    data.home_b.expires_on = date(2027, 6, 1)
    _db.session.commit()
    client = login(data.admin)
    html = client.get("/province/homes").get_data(as_text=True)
    assert f'data-home-id="{data.home_a.id}" data-expiring="1"' in html
    assert f'data-home-id="{data.home_b.id}" data-expiring' not in html
    resp = client.post(f"/province/homes/{data.home_a.id}/renew", follow_redirects=True)
    assert "不能续期" in resp.get_data(as_text=True)
    a = data.assessment
    assessment_service.finalize_assessment(None, a)
    assessment_service.publish_assessment(None, a, start=date(2026, 1, 10))
    a.grade = Grade.PASS
    _db.session.commit()
    client.post(f"/province/homes/{data.home_a.id}/renew")
    assert _db.session.get(Home, data.home_a.id).expires_on == date(2029, 1, 10)


def test_assessment_workflow_through_pages(data, login):
    client = login(data.admin)
    a_id = data.assessment.id
    html = client.get(f"/province/assessments/{a_id}").get_data(as_text=True)
    for code in ("B1", "B2", "B3", "A1", "A2", "A3", "A4"):
        assert f'data-item="{code}"' in html
    assert "代表乙" in html  # B2 evidence lists representatives
    resp = client.post(f"/province/assessments/{a_id}/items/B1", data={"score": 11, "reason": ""})
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "分值应在0到10.00之间" in text and "调整分值必须填写理由" in text
    client.post(f"/province/assessments/{a_id}/items/B1", data={"score": 6, "reason": "现场核查"})
    client.post(f"/province/assessments/{a_id}/recompute")
    a = _db.session.get(Assessment, a_id)
    assert next(i for i in a.items if i.code == "B1").score == 6
    client.post(f"/province/assessments/{a_id}/finalize")
    client.post(f"/province/assessments/{a_id}/publish", data={"start": "2026-06-02", "days": 5})
    _db.session.expire_all()
    a = _db.session.get(Assessment, a_id)
    assert a.status == AssessmentStatus.PUBLISHED
    assert (a.publicity_start, a.publicity_end) == (date(2026, 6, 2), date(2026, 6, 6))


def test_assessments_list_create_and_grades(data, login):
    client = login(data.admin)
    client.post("/province/assessments/create", data={"year": 2025, "home_id": data.home_b.id})
    assert _db.session.scalar(sa.select(sa.func.count(Assessment.id))) == 2
    resp = client.post("/province/assessments/create", data={"year": 2025,
                                                            "home_id": data.home_b.id},
                       follow_redirects=True)
    assert "已存在" in resp.get_data(as_text=True)
    html = client.get("/province/assessments?year=2025").get_data(as_text=True)
    # Both are drafts: their grades are provisional, so they are counted apart, not as results.
    assert 'data-testid="grade-fail">0<' in html and "另有 2 个草稿尚未定稿，不计入" in html
    _db.session.execute(sa.update(Assessment).where(Assessment.year == 2025)
                        .values(status=AssessmentStatus.FINAL))
    _db.session.commit()
    html = client.get("/province/assessments?year=2025").get_data(as_text=True)
    assert 'data-testid="grade-fail">2<' in html and "草稿尚未定稿" not in html
    client.post("/province/assessments/create", data={"year": 2026, "scope": "all"})
    assert _db.session.scalar(sa.select(sa.func.count(Assessment.id)).where(
        Assessment.year == 2026)) == 2
    with count_statements() as few:
        client.get("/province/assessments?year=2026")
    for _ in range(6):
        assessment_service.create_assessment(None, f.home().id, 2026)
    _db.session.commit()
    with count_statements() as many:
        client.get("/province/assessments?year=2026")
    assert len(many) == len(few)


# --- manager pages: applications and basic conditions --------------------------------------

def test_application_pages_for_the_manager(data, login):
    client = login(data.applicant)
    html = client.get("/applications/").get_data(as_text=True)
    assert f'data-application-id="{data.application.id}"' in html
    # The unit already applied in the only round: the new form offers nothing, its own form does.
    html = client.get("/applications/new").get_data(as_text=True)
    assert 'data-testid="existing-application"' in html and "<form method=\"post\" novalidate" not in html
    html = client.get(f"/applications/{data.application.id}/edit").get_data(as_text=True)
    assert ("我单位保证申报材料真实、合法、有效，愿意按照法律、法规和政策的有关规定，接受监督和评估，"
            "并承担相应责任。") in html
    assert "（单位盖章）" in html and "年    月    日" in html and "字数不少于1000字" in html
    assert re.search(r'src="/static/js/scheme_count\.[0-9a-f]{12}\.js"', html)
    assert 'data-scheme-count="scheme-count"' in html
    assert "<script>" not in html


def test_application_form_create_edit_submit(world, login, today):
    rnd = f.round_(year=2026, deadline=date(2026, 6, 30))
    unit = f.unit()
    mgr = f.user(f.Role.HOME_MANAGER, unit_id=unit.id)
    _db.session.commit()
    client = login(mgr)
    form = {"round_id": rnd.id, "contact_name": "张三", "contact_mobile": "13800000000",
            "scheme": "\u3000".join("字" * 999), "pledge": "y", "submit_now": "1"}
    resp = client.post("/applications/new", data=form)
    assert resp.status_code == 200 and "不少于1000字" in resp.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(Application.id))) == 0
    form.pop("submit_now")
    form["save"] = "1"
    assert client.post("/applications/new", data=form).status_code == 302
    a = _db.session.scalar(sa.select(Application))
    assert a.status == ApplicationStatus.DRAFT
    form.update(scheme=form["scheme"] + "\n字", submit_now="1")
    form.pop("save")
    assert client.post(f"/applications/{a.id}/edit", data=form).status_code == 302
    _db.session.refresh(a)
    assert a.status == ApplicationStatus.SUBMITTED
    html = client.get(f"/applications/{a.id}/edit").get_data(as_text=True)
    assert "<fieldset disabled>" in html


def test_application_submit_button_refusal_flashes(data, login):
    a = f.application(data.unit, f.round_(year=2027, deadline=date(2027, 6, 30)), pledge=False)
    _db.session.commit()
    resp = login(data.applicant).post(f"/applications/{a.id}/submit", follow_redirects=True)
    assert "请确认单位意见承诺" in resp.get_data(as_text=True)


@pytest.mark.parametrize("who,status", [("admin", 403), ("rep_a", 403), ("manager_a", 404)])
def test_application_pages_access(data, login, client, who, status):
    a = data.application
    c = login(getattr(data, who))
    assert c.get("/applications/").status_code == (200 if who == "manager_a" else 403)
    assert c.get(f"/applications/{a.id}/edit").status_code == status
    assert c.post(f"/applications/{a.id}/submit").status_code == status
    docx_status = 200 if who == "admin" else status
    assert c.get(f"/applications/{a.id}/docx").status_code == docx_status


def test_application_pages_anonymous(data, client):
    for path in ("/applications/", "/applications/new",
                 f"/applications/{data.application.id}/edit",
                 f"/applications/{data.application.id}/docx"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_home_profile_pages(data, login):
    client = login(data.manager_a)
    html = client.get("/home/").get_data(as_text=True)
    assert data.home_a.name in html
    resp = client.post(f"/home/{data.home_a.id}/profile",
                       data={"venue_address": "南京市玄武区", "has_sign": "y"})
    assert resp.status_code == 302
    resp = client.post(f"/home/{data.home_a.id}/plans",
                       data={"year": 2026, "plan": "计划", "funding": "-5"})
    assert resp.status_code == 422 and "专项经费不能为负数" in resp.get_data(as_text=True)
    client.post(f"/home/{data.home_a.id}/plans", data={"year": 2026, "plan": "计划",
                                                       "funding": "30000"})
    client.post(f"/home/{data.home_a.id}/team", data={"name": "王五", "duty": "联络"})
    _db.session.expire_all()
    home = _db.session.get(Home, data.home_a.id)
    assert home.venue_address == "南京市玄武区" and home.has_sign and not home.has_facilities
    assert _db.session.scalar(sa.select(HomePlan.funding)) == 30000
    assert [m.name for m in home.service_team] == ["王五"]
    html = client.get("/home/").get_data(as_text=True)
    assert "王五" in html and "30,000.00" in html
    member = home.service_team[0]
    client.post(f"/home/{home.id}/team/{member.id}/delete")
    assert _db.session.get(Home, home.id).service_team == []
    # the applicant unit has no Home yet
    assert "尚未被认定" in login(data.applicant).get("/home/").get_data(as_text=True)


@pytest.mark.parametrize("who,status", [("rep_a", 403), ("manager_b", 404), ("rep_b", 403)])
def test_home_pages_access(data, login, who, status):
    c = login(getattr(data, who))
    hid = data.home_a.id
    if who != "manager_b":
        assert c.get("/home/").status_code == 403
    assert c.get(f"/home/{hid}").status_code == status
    assert c.post(f"/home/{hid}/profile", data={"venue_address": "x"}).status_code == status
    assert c.post(f"/home/{hid}/plans", data={"year": 2026}).status_code == status
    assert c.post(f"/home/{hid}/team", data={"name": "x"}).status_code == status
    assert _db.session.get(Home, hid).venue_address == ""


def test_home_pages_admin_and_anonymous(data, login, client):
    for path in ("/home/", f"/home/{data.home_a.id}"):
        resp = client.get(path)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    c = login(data.admin)
    assert c.get(f"/home/{data.home_b.id}").status_code == 200
    assert c.post(f"/home/{data.home_b.id}/team", data={"name": "赵六"}).status_code == 302


def test_homes_page_latest_result_and_query_budget(data, login):
    client = login(data.admin)
    renew_a = f'action="/province/homes/{data.home_a.id}/renew"'
    assert renew_a not in client.get("/province/homes").get_data(as_text=True)
    a = data.assessment
    assessment_service.finalize_assessment(None, a)
    assessment_service.publish_assessment(None, a, start=date(2026, 1, 10))
    _db.session.commit()
    html = client.get("/province/homes").get_data(as_text=True)
    assert "2025年度 · 不合格" in html and renew_a not in html
    a.grade = Grade.GOOD
    _db.session.commit()
    html = client.get("/province/homes").get_data(as_text=True)
    assert "2025年度 · 良好" in html and renew_a in html
    with count_statements() as few:
        client.get("/province/homes")
    for _ in range(6):
        home = f.home()
        b = assessment_service.create_assessment(None, home.id, 2025)
        assessment_service.finalize_assessment(None, b)
        assessment_service.publish_assessment(None, b, start=date(2026, 1, 10))
    _db.session.commit()
    with count_statements() as many:
        client.get("/province/homes")
    assert len(many) == len(few)
