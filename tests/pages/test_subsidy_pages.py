"""经费奖补 pages (SPEC §5.12): the office sets rates, pays and reverses on one page; the Excel list
reads back with amounts as numbers and a total row; the Word 拨付通知 names its East Asian fonts;
other roles get 403."""
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
import sqlalchemy as sa
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from extensions import db as _db
from models import Assessment, AuditLog, SubsidyPayment
from models.enums import AssessmentStatus, Grade
from services import clock

TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


@pytest.fixture()
def listed(world):
    for home, grade, total in ((world.home_a, Grade.GOOD, "82.5"),
                               (world.home_b, Grade.EXCELLENT, "93")):
        _db.session.add(Assessment(home_id=home.id, year=2025, status=AssessmentStatus.PUBLISHED,
                                   total=Decimal(total), grade=grade,
                                   publicity_start=date(2026, 3, 1),
                                   publicity_end=date(2026, 3, 7)))
    _db.session.commit()
    return world


def test_the_office_sets_rates_pays_and_reverses(listed, login):
    office = login(listed.admin)
    page = office.get("/subsidies/?year=2025")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "南京" in html or listed.home_a.name in html
    assert "请先设定奖补标准" in html
    resp = office.post("/subsidies/2025/rates", data={"excellent": "-5", "good": "1",
                                                       "pass": "1"})
    assert resp.status_code == 422 and "优秀奖补标准不能为负数" in resp.get_data(as_text=True)
    resp = office.post("/subsidies/2025/rates", data={"excellent": "50000", "good": "30000.50",
                                                       "pass": "10000"})
    assert resp.status_code == 302
    html = office.get("/subsidies/?year=2025").get_data(as_text=True)
    assert "80,000.50 元" in html  # 50000 + 30000.50
    resp = office.post(f"/subsidies/2025/homes/{listed.home_a.id}/pay",
                       data={"paid_on": "2026-03-19", "voucher": "记-031"}, follow_redirects=True)
    assert "拨付已登记" in resp.get_data(as_text=True)
    resp = office.post(f"/subsidies/2025/homes/{listed.home_a.id}/pay",
                       data={"paid_on": "2026-03-19", "voucher": "记-032"}, follow_redirects=True)
    assert "不能重复拨付" in resp.get_data(as_text=True)
    resp = office.post("/subsidies/2025/rates", data={"excellent": "1", "good": "1", "pass": "1"},
                       follow_redirects=True)
    assert "奖补标准已固定，不能再修改" in resp.get_data(as_text=True)
    resp = office.post(f"/subsidies/2025/homes/{listed.home_a.id}/reverse", data={"reason": ""},
                       follow_redirects=True)
    assert "请填写红冲原因" in resp.get_data(as_text=True)
    resp = office.post(f"/subsidies/2025/homes/{listed.home_a.id}/reverse",
                       data={"reason": "金额有误"}, follow_redirects=True)
    assert "已红冲" in resp.get_data(as_text=True)
    payments = list(_db.session.scalars(sa.select(SubsidyPayment)))
    assert len(payments) == 1 and payments[0].current is None
    # Reversed, yet the rates stay fixed: the page says so and the form is disabled.
    html = office.get("/subsidies/?year=2025").get_data(as_text=True)
    assert 'data-testid="rates-fixed"' in html and "奖补标准已固定" in html
    assert 'id="rate-excellent" name="excellent"' in html and "disabled" in html
    resp = office.post("/subsidies/2025/rates", data={"excellent": "1", "good": "1", "pass": "1"},
                       follow_redirects=True)
    assert "奖补标准已固定，不能再修改" in resp.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action.in_(["subsidy_paid", "subsidy_reversed", "set_subsidy_rates"]))) == 3


def test_the_excel_list_reads_back_as_numbers_with_a_total(listed, login, api):
    api(listed.admin).put("/subsidies/2025/rates",
                          json={"excellent": "50000.10", "good": "30000.25", "pass": "0"})
    api(listed.admin).post(f"/subsidies/2025/homes/{listed.home_b.id}/payment",
                           json={"paid_on": "2026-03-19", "voucher": "=HYPERLINK(1)"})
    office = login(listed.admin)
    resp = office.get("/subsidies/2025/export.xlsx")
    assert resp.status_code == 200
    ws = load_workbook(BytesIO(resp.data)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    amounts = [Decimal(str(r[6])) for r in rows]
    assert amounts == [Decimal("50000.10"), Decimal("30000.25"), Decimal("80000.35")]
    assert rows[-1][0] == "合计"
    assert sum(amounts[:-1]) == amounts[-1]
    assert all(isinstance(r[6], (int, float)) for r in rows)
    assert "¥" in ws.cell(row=3, column=7).number_format
    assert rows[0][8] == "'=HYPERLINK(1)"  # formula injection guarded
    assert _db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "export"))


def test_the_word_notice_names_east_asian_fonts(listed, login, api):
    api(listed.admin).put("/subsidies/2025/rates",
                          json={"excellent": "50000", "good": "30000", "pass": "0"})
    office = login(listed.admin)
    resp = office.get(f"/subsidies/2025/homes/{listed.home_a.id}/notice.docx")
    assert resp.status_code == 200
    doc = Document(BytesIO(resp.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "经费奖补拨付通知" in text and "30,000.00 元" in text
    for p in doc.paragraphs:
        for run in p.runs:
            fonts = run._element.rPr.find(qn("w:rFonts"))
            assert fonts is not None and fonts.get(qn("w:eastAsia")) in ("宋体", "黑体")
    assert office.get("/subsidies/2025/homes/99999/notice.docx").status_code == 404


@pytest.mark.parametrize("who", ["manager_a", "rep_a"])
def test_other_roles_are_refused(listed, login, who):
    client = login(getattr(listed, who))
    assert client.get("/subsidies/").status_code == 403
    assert client.post("/subsidies/2025/rates", data={}).status_code == 403
    assert client.post(f"/subsidies/2025/homes/{listed.home_a.id}/pay", data={}).status_code == 403
    assert client.get("/subsidies/2025/export.xlsx").status_code == 403


def test_the_word_notice_waits_for_the_years_rates(listed, login, api):
    """Before the rates are set the page offers no 拨付通知 link and the route answers 409 with a
    Chinese page (the notice would say 核定经费奖补 —); once set, the link and the file come."""
    office = login(listed.admin)
    html = office.get("/subsidies/?year=2025").get_data(as_text=True)
    assert 'data-testid="notice-link"' not in html and "/notice.docx" not in html
    assert html.count('data-testid="notice-unavailable"') == 2
    resp = office.get(f"/subsidies/2025/homes/{listed.home_a.id}/notice.docx")
    assert resp.status_code == 409 and resp.mimetype == "text/html"
    assert "奖补标准尚未设定" in resp.get_data(as_text=True)
    # An unlisted Home stays 404 either way.
    assert office.get("/subsidies/2025/homes/99999/notice.docx").status_code == 404
    api(listed.admin).put("/subsidies/2025/rates",
                          json={"excellent": "230000", "good": "30000", "pass": "0"})
    html = office.get("/subsidies/?year=2025").get_data(as_text=True)
    assert html.count('data-testid="notice-link"') == 2 and "notice-unavailable" not in html
    resp = office.get(f"/subsidies/2025/homes/{listed.home_a.id}/notice.docx")
    assert resp.status_code == 200 and resp.mimetype.endswith("wordprocessingml.document")


def test_amounts_never_wrap(listed, login, api):
    """Every amount on the page sits in a text-nowrap element (a 390 px phone broke
    "230,000.0 / 0 元" mid-number)."""
    import re
    api(listed.admin).put("/subsidies/2025/rates",
                          json={"excellent": "230000", "good": "30000", "pass": "0"})
    office = login(listed.admin)
    office.post(f"/subsidies/2025/homes/{listed.home_a.id}/pay",
                data={"paid_on": "2026-03-19", "voucher": "记-031"})
    office.post(f"/subsidies/2025/homes/{listed.home_a.id}/reverse", data={"reason": "金额有误"})
    office.post(f"/subsidies/2025/homes/{listed.home_a.id}/pay",
                data={"paid_on": "2026-03-19", "voucher": "记-032"})
    html = office.get("/subsidies/?year=2025").get_data(as_text=True)
    amounts = re.findall(r"[\d,]+\.\d\d 元", html)
    assert len(amounts) >= 6  # totals, two rows, the payment and the reversed one
    for m in re.finditer(r"[\d,]+\.\d\d 元", html):
        opening = html.rfind("<", 0, m.start())
        tag = html[opening:html.index(">", opening) + 1]
        assert "text-nowrap" in tag, (m.group(0), tag)


def test_a_reversal_without_reason_is_refused_naming_the_field(listed, login, api):
    """The server refuses an empty (or blank) 红冲原因 in Chinese, and the payment stands."""
    api(listed.admin).put("/subsidies/2025/rates",
                          json={"excellent": "50000", "good": "30000", "pass": "0"})
    office = login(listed.admin)
    office.post(f"/subsidies/2025/homes/{listed.home_a.id}/pay",
                data={"paid_on": "2026-03-19", "voucher": "记-031"})
    html = office.get("/subsidies/?year=2025").get_data(as_text=True)
    assert 'name="reason" maxlength="500" placeholder="红冲原因（必填）" required' in html
    for reason in ("", "   "):
        resp = office.post(f"/subsidies/2025/homes/{listed.home_a.id}/reverse",
                           data={"reason": reason}, follow_redirects=True)
        assert "红冲原因" in resp.get_data(as_text=True) and "未能红冲" in resp.get_data(as_text=True)
    payment = _db.session.scalar(sa.select(SubsidyPayment))
    _db.session.refresh(payment)
    assert payment.current is not None
