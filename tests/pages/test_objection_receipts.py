"""Objection receipts (SPEC §5.6): filing answers a receipt; GET /public/objections/{receipt} and the
page /track show the objection's status and, once decided, the decision and response — nothing else."""
import re
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import Assessment, Objection
from models.enums import AssessmentStatus, Grade
from services import assessments, clock

START, END = date(2026, 3, 1), date(2026, 3, 7)
BODY = {"name": "李四", "contact": "13900002222", "text": "该单位活动记录与实际不符。"}


@pytest.fixture()
def published(world, db, monkeypatch):
    a = Assessment(home_id=world.home_a.id, year=2025, status=AssessmentStatus.PUBLISHED,
                   total=Decimal("80"), grade=Grade.GOOD, publicity_start=START, publicity_end=END)
    db.session.add(a)
    db.session.commit()
    monkeypatch.setattr(clock, "today", lambda: date(2026, 3, 3))
    return a


def test_the_api_answers_a_receipt_that_reads_the_decision(published, api, world, db):
    resp = api().post(f"/assessments/{published.id}/objections", json=BODY)
    assert resp.status_code == 201
    receipt = resp.get_json()["receipt"]
    assert re.fullmatch(r"[A-Z2-9]{12}", receipt)
    view = api().get(f"/public/objections/{receipt}")
    assert view.status_code == 200
    filed_on = clock.local(db.session.scalar(sa.select(Objection.filed_at))).date().isoformat()
    assert view.get_json() == {"status": "received", "filed_on": filed_on, "decision": None,
                               "response": ""}
    # typed in lower case with a dash: the same objection
    typed = receipt.lower()[:4] + "-" + receipt.lower()[4:]
    assert api().get(f"/public/objections/{typed}").get_json()["status"] == "received"

    objection = db.session.scalar(sa.select(Objection))
    answer = api(world.admin).post(f"/objections/{objection.id}/decision",
                                   json={"decision": "dismiss", "response": "经核实，记录属实。"})
    assert answer.status_code == 200
    body = api().get(f"/public/objections/{receipt}").get_json()
    assert body == {"status": "decided", "filed_on": filed_on, "decision": "dismiss",
                    "response": "经核实，记录属实。"}
    # nothing else: not the filer's name or contact, not the text, not the Home
    assert "李四" not in str(body) and "13900002222" not in str(body)


@pytest.mark.parametrize("receipt", ["", "SHORT", "ABCDEFGHJKMN", "x" * 70])
def test_an_unknown_receipt_is_404(published, api, receipt):
    resp = api().get(f"/public/objections/{receipt or '%20'}")
    assert resp.status_code == 404


def test_receipts_differ_and_are_unique(published, api):
    receipts = {api().post(f"/assessments/{published.id}/objections",
                           json=BODY).get_json()["receipt"] for _ in range(5)}
    assert len(receipts) == 5


def test_the_page_gives_the_receipt_and_track_shows_the_decision(published, client, login,
                                                                 world, db):
    resp = client.post("/public/results/objections",
                       data={"assessment_id": published.id, **BODY}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    objection = db.session.scalar(sa.select(Objection))
    assert f"查询码 {objection.receipt}" in page and "/track" in page
    html = client.get(f"/track?receipt={objection.receipt.lower()}", follow_redirects=True)
    text = html.get_data(as_text=True)
    assert html.status_code == 200 and "公示异议处理结果" in text and "已受理，正在核实" in text
    assert "李四" not in text and "活动记录与实际不符" not in text

    assessments.decide_objection(world.admin, objection, {"decision": "uphold",
                                                          "response": "情况属实，撤回结果。"})
    db.session.commit()
    text = client.get(f"/track/{objection.receipt}").get_data(as_text=True)
    assert 'data-testid="decision">异议成立<' in text and "情况属实，撤回结果。" in text
    # the withdrawn assessment is no longer public, but its objection's receipt still answers
    assert client.get(f"/track/{objection.receipt}").status_code == 200


def test_a_filled_honeypot_gets_a_receipt_that_finds_nothing(published, client, db):
    resp = client.post("/public/results/objections",
                       data={"assessment_id": published.id, **BODY, "website": "x"},
                       follow_redirects=True)
    fake = re.search(r"查询码 ([A-Z2-9]{12})", resp.get_data(as_text=True)).group(1)
    assert db.session.scalar(sa.select(sa.func.count(Objection.id))) == 0
    assert client.get(f"/track/{fake}").status_code == 404


def test_track_is_linked_from_the_public_pages(client):
    for path in ("/public/homes", "/public/results", "/public/reports"):
        assert 'href="/track"' in client.get(path).get_data(as_text=True), path
