"""科技工作者状况调查 pages (SPEC §5.10): the office's builder, publish/close/copy, codes as slips,
results with charts and tables (statements constant in the responses), completion, the raw export
read back, the public answering page, a representative's link and card, and scope per role."""
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from extensions import db as _db
from models import AuditLog, Survey, SurveyCode, SurveyResponse
from models.enums import SurveyStatus
from services import surveys
from tests.support.survey_data import INSIDE, body, published


@pytest.fixture()
def inside(monkeypatch):
    monkeypatch.setattr("services.clock.today", lambda: INSIDE)
    return INSIDE


def _builder_form(**extra):
    form = {"title": "2026年状况调查", "intro": "说明", "opens_on": "2026-03-01",
            "closes_on": "2026-03-31", "anonymous": "on", "blocks": "3",
            "q-0-text": "单位类型", "q-0-kind": "single", "q-0-options": "高校\n企业",
            "q-0-required": "on", "q-0-position": "2",
            "q-1-text": "满意度", "q-1-kind": "scale", "q-1-required": "on", "q-1-position": "1",
            "q-2-text": "", "q-2-kind": "single", "q-2-options": "", "q-2-position": "3",
            "action": "save"}
    form.update(extra)
    return form


def test_the_office_builds_a_survey_in_order(login, world):
    client = login(world.admin)
    assert client.get("/surveys/new").status_code == 200
    resp = client.post("/surveys/new", data=_builder_form())
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    survey = _db.session.scalar(sa.select(Survey))
    assert [q.text for q in survey.questions] == ["满意度", "单位类型"]  # by position
    assert survey.questions[1].options == ["高校", "企业"] and survey.anonymous is True
    # edit: delete one question, add another; a blank block is ignored
    resp = client.post(f"/surveys/{survey.id}/edit", data=_builder_form(**{
        "q-1-delete": "on", "q-2-text": "建议", "q-2-kind": "text"}))
    assert resp.status_code == 302
    _db.session.expire_all()
    assert [q.text for q in survey.questions] == ["单位类型", "建议"]
    page = client.get(f"/surveys/{survey.id}/edit").get_data(as_text=True)
    assert "单位类型" in page and 'data-testid="question-block"' in page


def test_the_builder_names_bad_fields_in_chinese(login, world):
    client = login(world.admin)
    resp = client.post("/surveys/new", data=_builder_form(title="", **{"q-0-options": "高校"}))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "请填写问卷标题" in page and "应有2到20个选项" in page
    assert _db.session.scalar(sa.select(sa.func.count(Survey.id))) == 0
    # 添加题目 without JavaScript shows one more block and saves nothing
    resp = client.post("/surveys/new", data=_builder_form(action="add"))
    assert resp.status_code == 200
    assert resp.get_data(as_text=True).count('data-testid="question-block"') == 4


def test_publish_close_copy_and_preview(login, world):
    client = login(world.admin)
    survey = surveys.create_survey(world.admin, body())
    _db.session.commit()
    preview = client.get(f"/surveys/{survey.id}/preview")
    assert preview.status_code == 200 and "您的工作单位类型" in preview.get_data(as_text=True)
    assert client.post(f"/surveys/{survey.id}/publish").status_code == 302
    _db.session.expire_all()
    assert survey.status == SurveyStatus.PUBLISHED
    # frozen: an edit is refused
    assert client.post(f"/surveys/{survey.id}/edit", data=_builder_form()).status_code == 409
    assert client.post(f"/surveys/{survey.id}/close").status_code == 302
    _db.session.expire_all()
    assert survey.status == SurveyStatus.CLOSED
    resp = client.post(f"/surveys/{survey.id}/copy")
    assert resp.status_code == 302
    assert _db.session.scalar(sa.select(sa.func.count(Survey.id))) == 2
    listing = client.get("/surveys/").get_data(as_text=True)
    assert listing.count('data-testid="survey-row"') == 2 and "已结束" in listing and "草稿" in listing


def test_codes_print_as_slips_once(login, world, inside):
    client = login(world.admin)
    survey = published(world.admin, code_required=True)
    resp = client.post(f"/surveys/{survey.id}/codes", data={"home_id": world.home_a.id,
                                                           "count": "12"})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    page = resp.get_data(as_text=True)
    assert page.count('data-testid="slip"') == 12 and "<svg" in page
    assert _db.session.scalar(sa.select(sa.func.count(SurveyCode.id))) == 12
    resp = client.post(f"/surveys/{survey.id}/codes", data={"home_id": "", "count": "5000"})
    assert resp.status_code == 422
    assert "请填写代表之家" in resp.get_data(as_text=True)
    assert "数量应在1到2000之间" in resp.get_data(as_text=True)


def _answer_page(client, survey, **form):
    """POST the answering page; accepted answers must answer 303 to /q/{id}/thanks, which is then
    fetched (GET) and returned, as a browser does (Post/Redirect/Get)."""
    resp = client.post(f"/q/{survey.id}", data=form)
    if resp.status_code in (301, 302, 303, 307, 308):
        assert resp.status_code == 303
        assert resp.headers["Location"].endswith(f"/q/{survey.id}/thanks")
        resp = client.get(resp.headers["Location"])
    return resp


def _form(survey, single="高校", multiple=("科研经费",), scale="4", text="", **extra):
    q = survey.questions
    return {f"q-{q[0].id}": single, f"q-{q[1].id}": list(multiple), f"q-{q[2].id}": scale,
            f"q-{q[3].id}": text, **extra}


def test_the_public_page_takes_answers(client, world, inside):
    survey = published(world.admin)
    page = client.get(f"/q/{survey.id}?rep={world.rep_a.public_code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="survey-progress"' in html and "rephome-survey-" in html
    resp = _answer_page(client, survey, rep=world.rep_a.public_code,
                        **_form(survey, multiple=("科研经费", "职业发展"), text="多些经费"))
    assert resp.status_code == 200 and 'data-testid="survey-thanks"' in resp.get_data(as_text=True)
    response = _db.session.scalar(sa.select(SurveyResponse))
    assert response.representative_id == world.rep_a.id and response.home_id == world.home_a.id


def test_reloading_the_thank_you_page_adds_no_response(client, world, inside, app):
    """Phones reload a tab after switching apps: the thank-you page is a GET, so a reload sends
    nothing again."""
    survey = published(world.admin)
    resp = client.post(f"/q/{survey.id}", data=_form(survey))
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/q/{survey.id}/thanks")
    for _ in range(3):
        page = client.get(f"/q/{survey.id}/thanks")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and 'data-testid="survey-thanks"' in html
        assert f'data-clear-survey="rephome-survey-{survey.id}"' in html
    assert _db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1
    # Another browser that answered nothing is sent to the survey.
    other = app.test_client().get(f"/q/{survey.id}/thanks")
    assert other.status_code == 302 and other.headers["Location"].endswith(f"/q/{survey.id}")
    assert client.get("/q/999999/thanks").status_code == 404


def test_the_public_page_names_bad_answers_and_keeps_them(client, world, inside):
    survey = published(world.admin)
    resp = _answer_page(client, survey, **_form(survey, single="", scale="9", text="留言"))
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "第1题为必答题" in html and "第3题的答案必须是1到5的整数" in html
    assert "留言" in html  # what was typed comes back
    assert _db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0


def test_the_public_page_outside_the_window_and_for_drafts(client, world, monkeypatch):
    survey = published(world.admin)
    monkeypatch.setattr("services.clock.today", lambda: INSIDE.replace(month=4))
    page = client.get(f"/q/{survey.id}")
    assert page.status_code == 200 and "问卷已结束" in page.get_data(as_text=True)
    assert _answer_page(client, survey, **_form(survey)).status_code == 409
    draft = surveys.create_survey(world.admin, body())
    _db.session.commit()
    assert client.get(f"/q/{draft.id}").status_code == 404


def test_a_used_code_on_the_page_is_named(client, world, inside):
    survey = published(world.admin, code_required=True)
    _, codes = surveys.issue_codes(world.admin, survey, {"home_id": world.home_a.id, "count": 1})
    _db.session.commit()
    assert _answer_page(client, survey, code=codes[0], **_form(survey)).status_code == 200
    resp = _answer_page(client, survey, code=codes[0], **_form(survey))
    assert resp.status_code == 409 and "该答题码已使用过" in resp.get_data(as_text=True)


def test_the_honeypot_on_the_page_stores_nothing(client, world, inside):
    survey = published(world.admin)
    resp = _answer_page(client, survey, website="x", **_form(survey))
    assert resp.status_code == 200
    assert _db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0


def test_the_limit_is_per_address_and_survey(world, inside):
    from tests.conftest import make_app
    app = make_app(RATELIMIT_ENABLED=True, SURVEY_RATE_LIMIT="2 per hour")
    with app.app_context():
        one = _db.session.get(Survey, published(world.admin).id)
        two = _db.session.get(Survey, published(world.admin).id)
        client = app.test_client()
        for _ in range(2):
            assert client.post(f"/api/v1/public/surveys/{one.id}/responses",
                               json={"answers": {}}).status_code == 422
        # the page and the API share one bucket per survey
        assert client.post(f"/q/{one.id}", data={}).status_code == 429
        assert client.post(f"/api/v1/public/surveys/{one.id}/responses",
                           json={"answers": {}}).status_code == 429
        assert client.post(f"/api/v1/public/surveys/{two.id}/responses",
                           json={"answers": {}}).status_code == 422


def _responses(client, survey, world, n):
    reps = [world.rep_a, world.rep_a2, world.rep_b]
    for i in range(n):
        resp = _answer_page(client, survey, rep=reps[i % 3].public_code,
                            **_form(survey, single=["高校", "企业"][i % 2], scale=str(1 + i % 5),
                                    text="=HYPERLINK(\"http://x\")" if i == 0 else f"意见{i}"))
        assert resp.status_code == 200, resp.get_data(as_text=True)[:500]


def test_results_and_completion_pages_cost_the_same_with_more_responses(
        app, login, world, inside, statement_counter):
    survey = published(world.admin)
    public = app.test_client()
    _responses(public, survey, world, 3)
    office = login(world.admin)
    office.get("/surveys/")

    def cost():
        with statement_counter() as statements:
            page = office.get(f"/surveys/{survey.id}/results")
            assert page.status_code == 200
            assert office.get(f"/surveys/{survey.id}/completion").status_code == 200
        return len(statements), page.get_data(as_text=True)

    few, html = cost()
    assert 'data-testid="chart-q' in html and 'data-testid="result-table"' in html
    assert "plotly-" in html  # served by the app itself
    _responses(public, survey, world, 12)
    many, html = cost()
    assert many == few
    assert '<strong data-testid="survey-responses">15</strong>' in html


def test_the_export_has_one_row_per_response_guarded_and_audited(app, login, world, inside):
    survey = published(world.admin)
    _responses(app.test_client(), survey, world, 4)
    resp = login(world.admin).get(f"/surveys/{survey.id}/answers.xlsx")
    assert resp.status_code == 200
    sheet = load_workbook(BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "提交时间", "代表之家", "代表") and len(rows[0]) == 8
    assert len(rows) == 5
    assert rows[1][4] == "高校" and rows[1][5] == "科研经费" and rows[1][6] == 1
    assert rows[1][7] == "'=HYPERLINK(\"http://x\")"  # formula-guarded text answer
    assert rows[2][7] == "意见1"
    entry = _db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "export"))
    assert entry.detail["rows"] == 4 and entry.object_id == survey.id


def test_a_manager_reads_their_own_home(app, login, world, inside):
    survey = published(world.admin)
    _responses(app.test_client(), survey, world, 6)
    client = login(world.manager_a)
    page = client.get(f"/surveys/{survey.id}/results")
    assert page.status_code == 200
    assert '<strong data-testid="survey-responses">4</strong>' in page.get_data(as_text=True)
    assert client.get(f"/surveys/{survey.id}/results?home_id={world.home_b.id}").status_code == 404
    assert client.get(f"/surveys/{survey.id}/completion?home_id={world.home_b.id}").status_code == 404
    rows = load_workbook(BytesIO(client.get(f"/surveys/{survey.id}/answers.xlsx").data)).active
    assert rows.max_row == 5
    assert client.get(f"/surveys/{survey.id}/edit").status_code == 403
    assert client.post(f"/surveys/{survey.id}/close").status_code == 403


def test_representatives_get_their_link_and_card(login, world, inside, app):
    survey = published(world.admin)
    app.config["PUBLIC_BASE_URL"] = "https://rephome.example.gov.cn"
    try:
        client = login(world.rep_a)
        page = client.get("/me/").get_data(as_text=True)
        link = f"https://rephome.example.gov.cn/q/{survey.id}?rep={world.rep_a.public_code}"
        assert 'data-testid="my-surveys"' in page and link in page
        card = client.get(f"/surveys/{survey.id}/card")
        assert card.status_code == 200 and link in card.get_data(as_text=True)
        assert "<svg" in card.get_data(as_text=True)
        assert client.get(f"/surveys/{survey.id}/results").status_code == 403
    finally:
        app.config["PUBLIC_BASE_URL"] = ""


def test_drafts_are_404_for_other_roles(login, world):
    draft = surveys.create_survey(world.admin, body())
    _db.session.commit()
    for who in (world.manager_a, world.rep_a):
        client = login(who)
        assert client.get(f"/surveys/{draft.id}/results").status_code in (403, 404)
    assert login(world.rep_a).get(f"/surveys/{draft.id}/card").status_code == 404


def test_the_activity_form_offers_the_survey_picker(login, world):
    survey = published(world.admin)
    client = login(world.rep_a)
    page = client.get("/me/activities/new").get_data(as_text=True)
    assert 'data-testid="survey-picker"' in page and survey.title in page


def test_the_survey_of_a_status_survey_shows_in_the_ledger_and_the_record(login, world):
    from datetime import date

    from docx import Document

    from models.enums import ActivityStatus, Kind, Theme
    from tests.support import factories
    survey = published(world.admin)
    activity = factories.activity(world.rep_a, theme=Theme.WINDOW, kind=Kind.STATUS_SURVEY,
                                  title="进园区开展状况调查", date=date(2026, 3, 10),
                                  status=ActivityStatus.VERIFIED, survey_id=survey.id)
    _db.session.commit()
    rep = login(world.rep_a)
    detail = rep.get(f"/me/activities/{activity.id}").get_data(as_text=True)
    assert 'data-testid="activity-survey"' in detail and survey.title in detail
    record = rep.get(f"/records/{world.rep_a.id}?year=2026").get_data(as_text=True)
    assert f"问卷：{survey.title}" in record
    manager = login(world.manager_a)
    ledger = manager.get(f"/records/ledger/{world.home_a.id}?year=2026").get_data(as_text=True)
    assert f"问卷：{survey.title}" in ledger
    doc = Document(BytesIO(manager.get(f"/records/ledger/{world.home_a.id}/docx?year=2026").data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert any(f"问卷：{survey.title}" in c for c in cells)


def test_survey_and_sign_in_addresses_never_collide(app):
    """A sign-in code may be all digits (its alphabet has 2–9): /s/… is always the sign-in door,
    and a survey is answered at /q/{id}."""
    urls = app.url_map.bind("localhost")
    assert urls.match("/s/23456789")[0] == urls.match("/s/ABCDEFGH")[0]
    assert urls.match("/q/7")[0] != urls.match("/s/23456789")[0]
