"""The Word 申报书 as LibreOffice and WPS read it: column widths declared in the grid and on every
cell with a fixed layout, Chinese (zh-CN) as the East Asian language, only a current provincial
opinion — and a real conversion with LibreOffice keeps the four columns as designed."""
import shutil
import subprocess
import zipfile
from datetime import date
from io import BytesIO
from xml.etree import ElementTree

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from extensions import db as _db
from models.enums import ApplicationStatus
from services import homes as service
from services.homes import application_docx as docx_form
from tests.support import factories as f

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture()
def application(world):
    unit = f.unit(name="江苏省机械工程学会")
    rnd = f.round_(year=2026, deadline=date(2026, 6, 30))
    a = f.application(unit, rnd, contact_name="王工", contact_mobile="13912345678",
                      status=ApplicationStatus.RETURNED, opinion="请补充活动场所照片")
    _db.session.commit()
    return a


def _doc(application):
    return Document(BytesIO(docx_form.build(application)))


def test_table_declares_fixed_widths_in_grid_and_cells(application):
    tbl = _doc(application).tables[0]._tbl
    expected = [int(w.twips) for w in docx_form.COLUMN_WIDTHS]
    assert len(set(expected)) > 1  # the columns are not equal by design
    assert [int(c.get(qn("w:w"))) for c in tbl.tblGrid.findall(qn("w:gridCol"))] == expected
    assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert int(tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) == sum(expected)
    for tr in tbl.tr_lst:
        index, widths = 0, []
        for tc in tr.tc_lst:
            tc_w = tc.tcPr.find(qn("w:tcW"))
            assert tc_w.get(qn("w:type")) == "dxa"
            widths.append(int(tc_w.get(qn("w:w"))))
            assert widths[-1] == sum(expected[index:index + tc.grid_span])
            index += tc.grid_span
        assert index == 4 and sum(widths) == sum(expected)


def test_east_asian_language_is_zh_cn(application):
    doc = _doc(application)
    styles = doc.styles.element
    default = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert default.get(qn("w:eastAsia")) == "zh-CN"
    normal = doc.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert normal.get(qn("w:eastAsia")) == "zh-CN"
    assert "ja-JP" not in ElementTree.tostring(styles, encoding="unicode")


def _opinion_cell(doc):
    return doc.tables[0].rows[5].cells[1].text


def test_a_resubmitted_application_prints_no_earlier_remark(application, world):
    assert "请补充活动场所照片" in _opinion_cell(_doc(application))  # returned: current remark
    manager = f.user(f.Role.HOME_MANAGER, unit_id=application.unit_id)
    service.submit_application(manager, application, today=date(2026, 6, 1))
    _db.session.commit()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.current_opinion == ""
    assert "请补充活动场所照片" not in _opinion_cell(_doc(application))
    assert application.opinion == "请补充活动场所照片"  # history kept for the API and audit


def test_list_shows_no_earlier_remark_beside_submitted(application, client, login):
    manager = f.user(f.Role.HOME_MANAGER, unit_id=application.unit_id)
    _db.session.commit()
    html = login(manager).get("/applications/").get_data(as_text=True)
    assert "请补充活动场所照片" in html
    application.status = ApplicationStatus.SUBMITTED
    _db.session.commit()
    html = login(manager).get("/applications/").get_data(as_text=True)
    assert "请补充活动场所照片" not in html


def _odt_column_widths(path) -> list[float]:
    """The table's column widths (cm) in LibreOffice's own format after conversion."""
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("content.xml"), etree.XMLParser(resolve_entities=False))
    ns = {"style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
          "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0"}
    widths = {}
    for st in root.iter(f"{{{ns['style']}}}style"):
        props = st.find("style:table-column-properties", ns)
        if props is not None:
            width = props.get(f"{{{ns['style']}}}column-width")
            widths[st.get(f"{{{ns['style']}}}name")] = float(width.removesuffix("cm").removesuffix("in"))
    table = next(root.iter(f"{{{ns['table']}}}table"))
    out = []
    for col in table.iter(f"{{{ns['table']}}}table-column"):
        repeat = int(col.get(f"{{{ns['table']}}}number-columns-repeated", "1"))
        out += [widths[col.get(f"{{{ns['table']}}}style-name")]] * repeat
    return out


def test_libreoffice_keeps_the_column_widths(application, tmp_path):
    """Converted by LibreOffice (apt: libreoffice-writer-nogui), the columns keep their designed
    proportions instead of coming out equal."""
    assert SOFFICE, "LibreOffice is missing: apt-get install -y libreoffice-writer-nogui"
    src = tmp_path / "form.docx"
    src.write_bytes(docx_form.build(application))
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "odt", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    widths = _odt_column_widths(tmp_path / "form.odt")
    assert len(widths) == 4
    designed = [w.cm for w in docx_form.COLUMN_WIDTHS]
    for got, want in zip(widths, designed, strict=True):
        assert got / sum(widths) == pytest.approx(want / sum(designed), abs=0.01)
