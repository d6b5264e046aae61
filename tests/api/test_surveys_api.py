"""科技工作者状况调查 through the API (SPEC §5.10, §8): the survey's life, answering with its
validation and window, codes, rep codes, results against a hand count, completion and scope."""
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, SurveyAnswer, SurveyCode, SurveyResponse
from services import surveys
from tests.support.survey_data import CLOSES, INSIDE, OPENS, body, published, sheet


@pytest.fixture()
def inside(monkeypatch):
    monkeypatch.setattr("services.clock.today", lambda: INSIDE)
    return INSIDE


def test_office_creates_edits_publishes_and_closes(api, world, inside):
    office = api(world.admin)
    resp = office.post("/surveys", json=body())
    assert resp.status_code == 201, resp.get_json()
    survey = resp.get_json()
    assert survey["status"] == "draft" and survey["anonymous"] is True
    assert survey["code_required"] is False
    assert [q["kind"] for q in survey["questions"]] == ["single", "multiple", "scale", "text"]
    sid = survey["id"]
    resp = office.patch(f"/surveys/{sid}", json={"title": "改过的标题"})
    assert resp.status_code == 200 and resp.get_json()["title"] == "改过的标题"
    assert len(resp.get_json()["questions"]) == 4
    resp = office.patch(f"/surveys/{sid}", json={"questions": body()["questions"][:1]})
    assert len(resp.get_json()["questions"]) == 1
    assert office.post(f"/surveys/{sid}/publish").get_json()["status"] == "published"
    assert office.post(f"/surveys/{sid}/publish").status_code == 409
    resp = office.patch(f"/surveys/{sid}", json={"title": "再改"})
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "conflict"
    assert office.post(f"/surveys/{sid}/close").get_json()["status"] == "closed"
    assert office.post(f"/surveys/{sid}/close").status_code == 409
    copied = office.post(f"/surveys/{sid}/copy")
    assert copied.status_code == 201
    assert copied.get_json()["status"] == "draft"
    assert copied.get_json()["opens_on"] == "2027-03-01"
    assert copied.get_json()["copied_from_id"] == sid
    actions = set(_db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "surveys")))
    assert {"create", "update", "publish", "close"} <= actions


def test_a_published_survey_past_its_closing_day_is_closed(api, world, monkeypatch):
    survey = published(world.admin)
    monkeypatch.setattr("services.clock.today", lambda: CLOSES)
    data = api(world.admin).get(f"/surveys/{survey.id}").get_json()
    assert data["status"] == "published" and data["open"] is True
    monkeypatch.setattr("services.clock.today", lambda: date(2026, 4, 1))
    data = api(world.admin).get(f"/surveys/{survey.id}").get_json()
    assert data["status"] == "closed" and data["open"] is False
    assert api().get(f"/public/surveys/{survey.id}").get_json()["status"] == "closed"


@pytest.mark.parametrize("change, field", [
    ({"title": ""}, "title"),
    ({"title": "长" * 101}, "title"),
    ({"intro": "长" * 2001}, "intro"),
    ({"opens_on": "2026-02-30"}, "opens_on"),
    ({"closes_on": "2026-02-01"}, "closes_on"),
    ({"anonymous": "yes"}, "anonymous"),
    ({"questions": []}, "questions"),
    ({"questions": [{"text": "q", "kind": "text"}] * 51}, "questions"),
    ({"questions": [{"text": "", "kind": "text"}]}, "questions.0.text"),
    ({"questions": [{"text": "长" * 501, "kind": "text"}]}, "questions.0.text"),
    ({"questions": [{"text": "q", "kind": "ranking"}]}, "questions.0.kind"),
    ({"questions": [{"text": "q", "kind": "single", "options": ["一"]}]}, "questions.0.options"),
    ({"questions": [{"text": "q", "kind": "single", "options": [str(i) for i in range(21)]}]},
     "questions.0.options"),
    ({"questions": [{"text": "q", "kind": "multiple", "options": ["一", "一"]}]},
     "questions.0.options"),
    ({"questions": [{"text": "q", "kind": "single", "options": ["一", " "]}]},
     "questions.0.options"),
    ({"questions": [{"text": "q", "kind": "scale", "options": ["一", "二"]}]},
     "questions.0.options"),
    ({"questions": [{"text": "q", "kind": "text", "required": "no"}]}, "questions.0.required"),
    ({"questions": ["q"]}, "questions.0"),
])
def test_survey_fields_are_checked(api, world, change, field):
    resp = api(world.admin).post("/surveys", json=body(**change))
    assert resp.status_code == 422, resp.get_json()
    assert field in resp.get_json()["error"]["fields"], resp.get_json()


def test_edges_of_the_survey_fields_are_accepted(api, world):
    questions = [{"text": "题" * 500, "kind": "single", "options": [f"选项{i}" for i in range(20)]}]
    questions += [{"text": "q", "kind": "text"}] * 49
    resp = api(world.admin).post("/surveys", json=body(
        title="标" * 100, intro="说" * 2000, closes_on=OPENS.isoformat(), questions=questions))
    assert resp.status_code == 201, resp.get_json()
    assert len(resp.get_json()["questions"]) == 50


@pytest.mark.parametrize("who", ["manager_a", "rep_a"])
def test_only_the_office_writes_surveys_and_the_role_comes_first(api, world, who):
    caller = api(getattr(world, who))
    assert caller.post("/surveys", json={}).status_code == 403
    survey = published(world.admin)
    assert caller.patch(f"/surveys/{survey.id}", json={"title": ""}).status_code == 403
    assert caller.post(f"/surveys/{survey.id}/close").status_code == 403
    assert caller.post(f"/surveys/{survey.id}/codes", json={}).status_code == 403
    assert caller.get(f"/surveys/{survey.id}").status_code == 200


def test_drafts_are_hidden_from_everyone_but_the_office(api, world):
    draft = surveys.create_survey(world.admin, body())
    _db.session.commit()
    for who in (world.manager_a, world.rep_a):
        assert api(who).get(f"/surveys/{draft.id}").status_code == 404
        assert api(who).get("/surveys").get_json()["total"] == 0
    assert api().get(f"/public/surveys/{draft.id}").status_code == 404
    assert api(world.admin).get("/surveys").get_json()["total"] == 1
    assert api().get("/surveys").status_code == 401


def test_public_survey_shows_its_questions(api, world, inside):
    survey = published(world.admin)
    resp = api().get(f"/public/surveys/{survey.id}")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["open"] is True and data["status"] == "published"
    assert set(data["questions"][0]) == {"id", "text", "kind", "options", "required"}
    assert data["questions"][0]["options"] == ["高校", "科研院所", "企业"]


def _answer(api, survey, answers=None, **extra):
    return api().post(f"/public/surveys/{survey.id}/responses",
                      json={"answers": sheet(survey) if answers is None else answers, **extra})


def test_an_answer_is_stored_for_the_representative_and_home(api, world, inside):
    survey = published(world.admin)
    resp = _answer(api, survey, sheet(survey, multiple=("科研经费", "人才评价"), text="很好"),
                   rep_code=world.rep_a.public_code)
    assert resp.status_code == 201 and resp.get_json() == {"ok": True}
    response = _db.session.scalar(sa.select(SurveyResponse))
    assert (response.home_id, response.representative_id) == (world.home_a.id, world.rep_a.id)
    assert _db.session.scalar(sa.select(sa.func.count(SurveyAnswer.id))) == 5
    # no audit entry per response (counts only)
    assert _db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.object_type == "survey_responses")) == 0


@pytest.mark.parametrize("index, value", [
    (0, "大学"), (0, ["高校"]), (0, 1),
    (1, "科研经费"), (1, ["科研经费", "科研经费"]), (1, ["外星人"]), (1, [1]),
    (2, 0), (2, 6), (2, 3.5), (2, "4"), (2, True),
    (3, "长" * 2001), (3, 42), (3, ["文本"]),
])
def test_every_kind_refuses_a_bad_value_naming_the_question(api, world, inside, index, value):
    survey = published(world.admin)
    answers = sheet(survey, text="意见")
    qid = survey.questions[index].id
    answers[str(qid)] = value
    resp = _answer(api, survey, answers)
    assert resp.status_code == 422, resp.get_json()
    assert list(resp.get_json()["error"]["fields"]) == [f"answers.{qid}"]
    assert _db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0


@pytest.mark.parametrize("index", [0, 1, 2])
@pytest.mark.parametrize("blank", [None, "", []])
def test_a_required_question_left_out_is_named(api, world, inside, index, blank):
    survey = published(world.admin)
    answers = sheet(survey)
    qid = survey.questions[index].id
    answers[str(qid)] = blank
    resp = _answer(api, survey, answers)
    assert resp.status_code == 422
    assert f"answers.{qid}" in resp.get_json()["error"]["fields"]


def test_edges_of_answers_are_accepted(api, world, inside):
    survey = published(world.admin)
    q = survey.questions
    for scale in (1, 5):
        answers = sheet(survey, multiple=("科研经费", "人才评价", "职业发展", "工作条件"),
                        scale=scale, text="长" * 2000)
        assert _answer(api, survey, answers).status_code == 201
    # the optional text question left out, blank, or missing entirely
    answers = sheet(survey)
    answers[str(q[3].id)] = "   "
    assert _answer(api, survey, answers).status_code == 201
    assert _answer(api, survey, {str(q[0].id): "企业", str(q[1].id): ["工作条件"],
                                 str(q[2].id): 2}).status_code == 201


def test_an_unknown_question_and_a_non_object_are_named(api, world, inside):
    survey = published(world.admin)
    answers = sheet(survey)
    answers["999999"] = "x"
    resp = _answer(api, survey, answers)
    assert resp.status_code == 422 and "answers.999999" in resp.get_json()["error"]["fields"]
    resp = _answer(api, survey, ["x"])
    assert resp.status_code == 422 and "answers" in resp.get_json()["error"]["fields"]


def test_an_unknown_rep_code_is_422(api, world, inside):
    survey = published(world.admin)
    resp = _answer(api, survey, rep_code="NOSUCHCODE")
    assert resp.status_code == 422 and list(resp.get_json()["error"]["fields"]) == ["rep_code"]


@pytest.mark.parametrize("today, status", [
    (date(2026, 2, 28), 409), (OPENS, 201), (CLOSES, 201), (date(2026, 4, 1), 409)])
def test_the_window_is_inclusive_in_asia_shanghai(api, world, monkeypatch, today, status):
    survey = published(world.admin)
    monkeypatch.setattr("services.clock.today", lambda: today)
    resp = _answer(api, survey)
    assert resp.status_code == status, resp.get_json()
    if status == 409:
        assert resp.get_json()["error"]["code"] == "conflict"


def test_the_window_follows_the_shanghai_calendar_not_utc(api, world):
    """At 16:30 UTC on 31 March it is already 1 April in Shanghai: the survey is over."""
    from datetime import UTC
    from unittest import mock

    from services import clock
    survey = published(world.admin)
    real = clock.datetime

    class Frozen(real):
        """services.clock reads the instant through datetime.now (here: 2026-03-31 16:30 UTC)."""

        @classmethod
        def now(cls, tz=None):
            return real(2026, 3, 31, 16, 30, tzinfo=UTC).astimezone(tz)

    with mock.patch.object(clock, "datetime", Frozen):
        assert clock.today() == date(2026, 4, 1)
        assert _answer(api, survey).status_code == 409
        resp = api().get(f"/public/surveys/{survey.id}").get_json()
        assert resp["open"] is False and resp["status"] == "closed"


def test_draft_and_closed_surveys_take_no_answers(api, world, inside):
    draft = surveys.create_survey(world.admin, body())
    _db.session.commit()
    assert _answer(api, draft).status_code == 404
    survey = published(world.admin)
    surveys.close_survey(world.admin, survey)
    _db.session.commit()
    assert _answer(api, survey).status_code == 409


def test_the_honeypot_is_answered_as_accepted_and_stores_nothing(api, world, inside):
    survey = published(world.admin)
    resp = _answer(api, survey, website="http://spam.example")
    assert resp.status_code == 201
    assert _db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0


def _codes(api, world, survey, home=None, count=3):
    resp = api(world.admin).post(f"/surveys/{survey.id}/codes",
                                 json={"home_id": (home or world.home_a).id, "count": count})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["codes"]


def test_codes_are_issued_once_and_stored_as_digests(api, world, inside):
    survey = published(world.admin, code_required=True)
    codes = _codes(api, world, survey, count=5)
    assert len(set(codes)) == 5 and all(len(c) >= 10 for c in codes)
    stored = set(_db.session.scalars(sa.select(SurveyCode.digest)))
    assert not stored & set(codes) and len(stored) == 5
    office = api(world.admin)
    for bad, field in (({"home_id": world.home_a.id, "count": 2001}, "count"),
                       ({"home_id": world.home_a.id, "count": 0}, "count"),
                       ({"home_id": 999999, "count": 1}, "home_id"),
                       ({"count": 1}, "home_id")):
        resp = office.post(f"/surveys/{survey.id}/codes", json=bad)
        assert resp.status_code == 422 and field in resp.get_json()["error"]["fields"], bad
    entry = _db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "issue_codes"))
    assert entry.detail == {"home_id": world.home_a.id, "count": 5}


def test_2000_codes_at_once(api, world, inside):
    survey = published(world.admin, code_required=True)
    assert len(_codes(api, world, survey, count=2000)) == 2000


def test_a_code_answers_once_and_decides_the_home(api, world, inside):
    survey = published(world.admin, code_required=True, anonymous=False)
    code = _codes(api, world, survey, home=world.home_b, count=1)[0]
    resp = _answer(api, survey)
    assert resp.status_code == 422 and "code" in resp.get_json()["error"]["fields"]
    resp = _answer(api, survey, code="ABCDEFGHJKMN")
    assert resp.status_code == 422 and "code" in resp.get_json()["error"]["fields"]
    # a representative of another Home than the code's
    resp = _answer(api, survey, code=code, rep_code=world.rep_a.public_code)
    assert resp.status_code == 422 and list(resp.get_json()["error"]["fields"]) == ["rep_code"]
    typed = "-".join(code[i:i + 4] for i in range(0, 12, 4)).lower()
    assert _answer(api, survey, code=typed, rep_code=world.rep_b.public_code).status_code == 201
    resp = _answer(api, survey, code=code)
    assert resp.status_code == 409 and resp.get_json()["error"]["code"] == "conflict"
    response = _db.session.scalar(sa.select(SurveyResponse))
    assert response.home_id == world.home_b.id and response.representative_id == world.rep_b.id
    assert response.code_id is not None  # a named survey keeps which code answered


def test_an_anonymous_coded_survey_marks_the_code_without_linking_it(api, world, inside):
    survey = published(world.admin, code_required=True)
    code = _codes(api, world, survey, count=1)[0]
    assert _answer(api, survey, code=code).status_code == 201
    response = _db.session.scalar(sa.select(SurveyResponse))
    assert response.code_id is None and response.home_id == world.home_a.id
    assert _db.session.scalar(sa.select(SurveyCode.used_at)) is not None
    columns = {c.name for c in SurveyResponse.__table__.columns}
    assert not columns & {"name", "contact", "address", "ip", "client_address"}


def test_codes_of_a_closed_survey_are_refused(api, world):
    survey = published(world.admin)
    surveys.close_survey(world.admin, survey)
    _db.session.commit()
    resp = api(world.admin).post(f"/surveys/{survey.id}/codes",
                                 json={"home_id": world.home_a.id, "count": 1})
    assert resp.status_code == 409


def _fill(api, survey, world):
    """Six responses with a hand-countable spread (see the test below)."""
    rows = [
        (world.rep_a, "高校", ("科研经费", "人才评价"), 5, "甲"),
        (world.rep_a, "高校", ("科研经费",), 4, None),
        (world.rep_a2, "企业", ("工作条件",), 3, "乙"),
        (world.rep_b, "科研院所", ("科研经费", "职业发展"), 2, None),
        (world.rep_b, "企业", ("人才评价",), 5, "丙"),
        (None, "高校", ("科研经费",), 1, None),
    ]
    for rep, single, multiple, scale, text in rows:
        resp = _answer(api, survey, sheet(survey, single, multiple, scale, text),
                       rep_code=rep.public_code if rep else None)
        assert resp.status_code == 201, resp.get_json()


def test_results_match_a_hand_count(api, world, inside):
    survey = published(world.admin)
    _fill(api, survey, world)
    resp = api(world.admin).get(f"/surveys/{survey.id}/results")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["responses"] == 6
    single, multiple, scale, text = data["questions"]
    assert single["counts"] == {"高校": 3, "科研院所": 1, "企业": 2} and single["answered"] == 6
    assert multiple["counts"] == {"科研经费": 4, "人才评价": 2, "职业发展": 1, "工作条件": 1}
    assert multiple["answered"] == 6
    assert scale["average"] == pytest.approx((5 + 4 + 3 + 2 + 5 + 1) / 6)
    assert scale["answered"] == 6
    assert text["answered"] == 3 and text["average"] is None
    # one Home: rep_a, rep_a2 of Home A
    data = api(world.admin).get(f"/surveys/{survey.id}/results?home_id={world.home_a.id}").get_json()
    assert data["responses"] == 3
    assert data["questions"][0]["counts"] == {"高校": 2, "科研院所": 0, "企业": 1}
    assert data["questions"][2]["average"] == pytest.approx(4.0)
    assert data["questions"][3]["answered"] == 2


def test_completion_per_home_and_representative(api, world, inside):
    survey = published(world.admin)
    _fill(api, survey, world)
    data = api(world.admin).get(f"/surveys/{survey.id}/completion").get_json()
    homes = {h["home_id"]: h for h in data["homes"]}
    assert homes[world.home_a.id]["responses"] == 3
    assert homes[world.home_a.id]["representatives_reached"] == 2
    assert homes[world.home_b.id]["responses"] == 2
    assert homes[world.home_b.id]["representatives_reached"] == 1
    reps = {r["id"]: r["responses"] for r in data["representatives"]}
    assert reps == {world.rep_a.id: 2, world.rep_a2.id: 1, world.rep_b.id: 2}
    page = api(world.admin).get(f"/surveys/{survey.id}/completion?per_page=1&page=2").get_json()
    assert len(page["representatives"]) == 1 and page["total_representatives"] == 3
    assert page["representatives"][0]["id"] in (world.rep_a.id, world.rep_b.id)


def test_a_manager_reads_their_own_home_only(api, world, inside):
    survey = published(world.admin)
    _fill(api, survey, world)
    manager = api(world.manager_a)
    data = manager.get(f"/surveys/{survey.id}/results").get_json()
    assert data["responses"] == 3 and data["home_id"] == world.home_a.id
    assert manager.get(f"/surveys/{survey.id}/results?home_id={world.home_b.id}").status_code == 404
    assert manager.get(f"/surveys/{survey.id}/completion?home_id={world.home_b.id}").status_code == 404
    data = manager.get(f"/surveys/{survey.id}/completion").get_json()
    assert [h["home_id"] for h in data["homes"]] == [world.home_a.id]
    assert {r["id"] for r in data["representatives"]} == {world.rep_a.id, world.rep_a2.id}
    rep = api(world.rep_a)
    assert rep.get(f"/surveys/{survey.id}/results").status_code == 403
    assert rep.get(f"/surveys/{survey.id}/completion").status_code == 403
    assert api().get(f"/surveys/{survey.id}/results").status_code == 401


def test_unknown_survey_is_404(api, world):
    assert api(world.admin).get("/surveys/999999").status_code == 404
    assert api(world.admin).get("/surveys/999999/results").status_code == 404
    assert api().get("/public/surveys/999999").status_code == 404
    assert api().post("/public/surveys/999999/responses", json={"answers": {}}).status_code == 404


def test_the_activity_kind_status_survey_links_its_survey(api, world):
    survey = published(world.admin)
    draft = surveys.create_survey(world.admin, body())
    _db.session.commit()
    activity = {"theme": "window", "kind": "status_survey", "title": "状况调查进企业",
                "date": "2026-03-10", "mode": "offline", "summary": "发放问卷", "draft": True}
    rep = api(world.rep_a)
    resp = rep.post("/activities", json={**activity, "survey_id": draft.id})
    assert resp.status_code == 422 and "survey_id" in resp.get_json()["error"]["fields"]
    resp = rep.post("/activities", json={**activity, "survey_id": survey.id})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["survey_id"] == survey.id
    other = rep.post("/activities", json={**activity, "kind": "exchange", "survey_id": survey.id})
    assert other.status_code == 201 and other.get_json()["survey_id"] is None


def test_statements_per_results_do_not_grow_with_responses(api, world, inside, statement_counter):
    survey = published(world.admin)
    office = api(world.admin)
    office.get("/me")  # the token exists before counting

    def cost():
        with statement_counter() as statements:
            assert office.get(f"/surveys/{survey.id}/results").status_code == 200
            assert office.get(f"/surveys/{survey.id}/completion").status_code == 200
        return len(statements)

    _fill(api, survey, world)
    few = cost()
    for _ in range(4):
        _fill(api, survey, world)
    assert cost() == few
