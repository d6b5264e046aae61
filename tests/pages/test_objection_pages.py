"""异议受理 on the public results page and the provincial office's objections page (SPEC §5.6)."""
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from models import Assessment, AuditLog, Notification, Objection
from models.enums import AssessmentStatus, Grade, ObjectionDecision
from services import clock
from services.receipts import new_receipt
from tests.support import factories as f

START, END = date(2026, 3, 1), date(2026, 3, 7)
FORM = {"name": "李四", "contact": "13900002222", "text": "活动记录与实际不符。"}


@pytest.fixture()
def published(world, db):
    a = Assessment(home_id=world.home_a.id, year=2025, status=AssessmentStatus.PUBLISHED,
                   total=Decimal("80"), grade=Grade.GOOD, publicity_start=START,
                   publicity_end=END)
    db.session.add(a)
    db.session.commit()
    return a


def on(monkeypatch, day):
    monkeypatch.setattr(clock, "today", lambda: day)


def test_results_page_shows_the_window_and_the_form_while_it_is_open(published, client,
                                                                    monkeypatch):
    on(monkeypatch, END)
    html = client.get("/public/results?year=2025").get_data(as_text=True)
    assert "2026-03-01 至 2026-03-07" in html and "异议受理" in html
    assert 'data-testid="objection-form"' in html and f'value="{published.id}"' in html
    on(monkeypatch, date(2026, 3, 8))
    html = client.get("/public/results?year=2025").get_data(as_text=True)
    assert "异议受理" in html and 'data-testid="objection-form"' not in html
    assert 'data-testid="no-window"' in html


def test_filing_from_the_page(published, client, monkeypatch, db):
    on(monkeypatch, START)
    resp = client.post("/public/results/objections", data={"assessment_id": published.id, **FORM})
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/public/results/objections/done")
    assert "异议已受理" in client.get(resp.headers["Location"]).get_data(as_text=True)
    [o] = db.session.scalars(sa.select(Objection)).all()
    assert o.name == "李四" and o.assessment_id == published.id


def test_reloading_the_objection_receipt_page_files_nothing(published, client, app, monkeypatch,
                                                            db):
    """The receipt page is a GET after a redirect: reloading it (as a phone does after switching
    apps) shows the same receipt, links its progress, and files nothing."""
    on(monkeypatch, START)
    client.post("/public/results/objections", data={"assessment_id": published.id, **FORM})
    [o] = db.session.scalars(sa.select(Objection)).all()
    for _ in range(3):
        resp = client.get("/public/results/objections/done")
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200
        assert f'data-testid="receipt">{o.receipt}<' in html
        assert f'href="/track?receipt={o.receipt}"' in html and "查看办理进度" in html
        assert '<a href="/track">/track</a>' in html
        assert "year=2025" in html  # back to the results of that year
    assert len(db.session.scalars(sa.select(Objection)).all()) == 1
    # Another browser sees no receipt: it is sent to the results.
    other = app.test_client().get("/public/results/objections/done")
    assert other.status_code == 302 and other.headers["Location"].endswith("/public/results")


def test_page_errors_name_the_field_and_outside_the_window_is_refused(published, client,
                                                                     monkeypatch, db):
    on(monkeypatch, START)
    resp = client.post("/public/results/objections",
                       data={"assessment_id": published.id, **FORM, "text": ""})
    assert resp.status_code == 422 and "请填写异议内容" in resp.get_data(as_text=True)
    on(monkeypatch, date(2026, 3, 8))
    resp = client.post("/public/results/objections", data={"assessment_id": published.id, **FORM},
                       follow_redirects=True)
    assert "不在受理期内" in resp.get_data(as_text=True)
    assert client.post("/public/results/objections",
                       data={"assessment_id": "999999", **FORM}).status_code == 404
    assert db.session.scalars(sa.select(Objection)).all() == []


def test_results_form_carries_a_hidden_honeypot(published, client, monkeypatch):
    on(monkeypatch, START)
    html = client.get("/public/results?year=2025").get_data(as_text=True)
    form = html[html.index('data-testid="objection-form"'):]
    form = form[:form.index("</form>")]
    assert 'name="website"' in form and 'tabindex="-1"' in form and 'aria-hidden="true"' in form


@pytest.mark.parametrize("trap", ["http://spam.example", "x"])
def test_filled_honeypot_is_answered_as_accepted_and_stores_nothing(published, client, world,
                                                                   monkeypatch, db, trap):
    on(monkeypatch, START)
    resp = client.post("/public/results/objections",
                       data={"assessment_id": published.id, **FORM, "website": trap})
    # The same redirect and receipt page as an accepted objection (with a receipt that finds nothing).
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith("/public/results/objections/done")
    done = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "异议已受理" in done and "查看办理进度" in done and "year=2025" in done
    assert db.session.scalars(sa.select(Objection)).all() == []
    assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))
                             .where(AuditLog.action == "create_public")) == 0
    # An unpublished result answers 404 with or without the honeypot: the trap reveals nothing.
    assert client.post("/public/results/objections",
                       data={"assessment_id": "999999", **FORM, "website": trap}).status_code == 404


def test_blank_honeypot_files_as_usual(published, client, monkeypatch, db):
    on(monkeypatch, START)
    resp = client.post("/public/results/objections",
                       data={"assessment_id": published.id, **FORM, "website": "  "})
    assert resp.status_code == 303
    assert len(db.session.scalars(sa.select(Objection)).all()) == 1


def test_objections_page_access(published, client, login, world):
    assert client.get("/province/objections").status_code == 302
    for user in (world.manager_a, world.rep_a):
        assert login(user).get("/province/objections").status_code == 403
        assert login(user).post("/province/objections/1/decision",
                                data={"decision": "dismiss", "response": "x"}).status_code == 403
    assert login(world.admin).get("/province/objections").status_code == 200
    assert login(world.admin).post("/province/objections/999/decision",
                                   data={"decision": "dismiss", "response": "x"}).status_code == 404


def test_admin_decides_from_the_page(published, login, world, db, monkeypatch):
    on(monkeypatch, START)
    o = Objection(assessment_id=published.id, receipt=new_receipt(), **FORM)
    db.session.add(o)
    db.session.commit()
    c = login(world.admin)
    html = c.get("/province/objections").get_data(as_text=True)
    assert "李四" in html and "待处理" in html and "异议成立（撤回结果）" in html
    assert "确定认定异议成立吗" in html  # upholding withdraws a public result: it asks first
    resp = c.post(f"/province/objections/{o.id}/decision", data={"decision": "uphold",
                                                                  "response": ""},
                  follow_redirects=True)
    assert "请填写答复" in resp.get_data(as_text=True)
    resp = c.post(f"/province/objections/{o.id}/decision",
                  data={"decision": "uphold", "response": "经核实属实。"}, follow_redirects=True)
    assert "考核结果已撤回公示" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Objection, o.id).decision == ObjectionDecision.UPHOLD
    assert db.session.get(Assessment, published.id).status == AssessmentStatus.DRAFT
    resp = c.post(f"/province/objections/{o.id}/decision",
                  data={"decision": "dismiss", "response": "再次处理"}, follow_redirects=True)
    assert "已处理" in resp.get_data(as_text=True)


def test_objections_page_statement_count_is_constant(published, login, world, db):
    from tests.conftest import count_statements
    c = login(world.admin)
    db.session.add(Objection(assessment_id=published.id, receipt=new_receipt(), **FORM))
    db.session.commit()
    with count_statements() as first:
        c.get("/province/objections")
    for _ in range(6):
        a = Assessment(home_id=f.home().id, year=2025, status=AssessmentStatus.PUBLISHED,
                       total=Decimal("70"), grade=Grade.PASS, publicity_start=START,
                       publicity_end=END)
        db.session.add(a)
        db.session.flush()
        db.session.add(Objection(assessment_id=a.id, receipt=new_receipt(), **FORM))
    db.session.commit()
    with count_statements() as second:
        c.get("/province/objections")
    assert len(second) == len(first)
