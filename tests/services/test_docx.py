"""The Word 申报书: opens with python-docx, holds the application's fields in the official
layout, and names the East Asian font on the Normal style and every run."""
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docx.oxml.ns import qn

from extensions import db as _db
from models.enums import ApplicationStatus
from services import homes as docx_form
from services.homes.applications import PLEDGE_TEXT, SCHEME_GUIDANCE
from tests.support import factories as f

SCHEME = "第一部分：基本情况。\n第二部分：工作计划。" + "方" * 1000


@pytest.fixture()
def application(world):
    unit = f.unit(name="江苏省机械工程学会")
    f.user(f.Role.HOME_MANAGER, unit_id=unit.id, username="mech")
    rnd = f.round_(year=2026, deadline=date(2026, 6, 30))
    a = f.application(unit, rnd, scheme=SCHEME, contact_name="王工", contact_mobile="13912345678",
                      fax="025-83000000", email="mech@js.cn", status=ApplicationStatus.RETURNED,
                      opinion="请补充活动场所照片")
    _db.session.commit()
    return a


def _doc(data: bytes):
    return Document(BytesIO(data))


def _all_text(doc):
    parts = [p.text for p in doc.paragraphs]
    for cell in _cells(doc):
        parts.append(cell.text)
    return "\n".join(parts)


def _cells(doc):
    """Each table cell once (merged cells repeat in row.cells)."""
    seen, out = set(), []
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    out.append(cell)
    return out


def test_docx_holds_fields(application):
    doc = _doc(docx_form.build(application))
    assert doc.paragraphs[0].text == "科协代表之家申报书"
    text = _all_text(doc)
    for value in ("江苏省机械工程学会", "王工", "13912345678", "025-83000000", "mech@js.cn",
                  "第一部分：基本情况。", "第二部分：工作计划。", "方" * 1000, PLEDGE_TEXT,
                  "请补充活动场所照片", "（单位盖章）", "年    月    日", SCHEME_GUIDANCE):
        assert value in text, value
    for caption in ("申报单位", "联系人", "联系人手机", "传真", "电子信箱", "申报方案",
                    "单位意见", "省科协意见"):
        assert caption in text
    table = doc.tables[0]
    assert table.rows[0].cells[0].text == "申报单位"  # one line in its 3.4 cm column
    assert table.rows[1].cells[2].text == "联系人手机"
    assert table.rows[4].cells[0].text == "单位意见"
    assert table.rows[5].cells[0].text == "省科协意见"
    assert text.count("（单位盖章）") == 2
    # The official wording exactly (SPEC §3): no tick glyph, no other pledge.
    assert "☑" not in text and "☐" not in text and "如有虚假" not in text
    assert table.rows[4].cells[1].paragraphs[0].text == (
        "我单位保证申报材料真实、合法、有效，愿意按照法律、法规和政策的有关规定，接受监督和评估，并承担相应责任。")


def test_docx_east_asian_fonts(application):
    doc = _doc(docx_form.build(application))
    normal = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert normal.get(qn("w:eastAsia")) == "宋体"
    runs = [r for p in doc.paragraphs for r in p.runs]
    for cell in _cells(doc):
        runs += [r for p in cell.paragraphs for r in p.runs]
    assert runs
    fonts = set()
    for run in runs:
        rfonts = run._element.rPr.find(qn("w:rFonts"))
        assert rfonts is not None and rfonts.get(qn("w:eastAsia")), run.text
        fonts.add(rfonts.get(qn("w:eastAsia")))
    assert fonts <= {"宋体", "仿宋", "黑体"} and "宋体" in fonts
    title_font = doc.paragraphs[0].runs[0]._element.rPr.find(qn("w:rFonts"))
    assert title_font.get(qn("w:eastAsia")) == "黑体"


def test_docx_download_route(application, world, login):
    client = login(world.admin)
    resp = client.get(f"/applications/{application.id}/docx")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert "attachment" in resp.headers["Content-Disposition"]
    assert "江苏省机械工程学会" in _all_text(_doc(resp.data))
    from models import User
    mech = _db.session.scalar(_db.select(User).where(User.username == "mech"))
    assert login(mech).get(f"/applications/{application.id}/docx").status_code == 200
    assert login(world.manager_a).get(f"/applications/{application.id}/docx").status_code == 404
    assert login(world.rep_a).get(f"/applications/{application.id}/docx").status_code == 403
