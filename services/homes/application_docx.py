"""The Word 申报书 of an application, laid out like the official form for printing and stamping.

Chinese only renders in the intended typeface when the East Asian font is named explicitly
(`w:eastAsia` in `w:rFonts`), so the Normal style and every run carry it: 宋体 for the body,
黑体 for the title and 仿宋 for the row captions. The document declares Chinese (zh-CN) as its
East Asian language, and the table declares its column widths the way LibreOffice and WPS read
them (a fixed layout, w:tblGrid gridCol widths and a w:tcW on every cell), not only Word's.
"""
from io import BytesIO

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm

from models import Application
from services.homes.applications import DATE_LINE, PLEDGE_TEXT, SCHEME_GUIDANCE, SEAL_LINE
from services.input_rules import for_export
from services.word import (
    BODY_FONT,
    CAPTION_FONT,
    TITLE_FONT,
    a4_document,
    fix_column_widths,
    text_run,
)

TITLE = "科协代表之家申报书"
COLUMN_WIDTHS = (Cm(3.4), Cm(4.8), Cm(2.8), Cm(4.4))  # 15.4 cm: the text width of A4 here


def _cell_text(cell, text: str, *, font=BODY_FONT, size=12, bold=False,
               align=WD_ALIGN_PARAGRAPH.LEFT):
    """Replace a cell's content by `text`, one paragraph per line."""
    lines = for_export(text or "").splitlines() or [""]
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        paragraph = first if i == 0 else cell.add_paragraph()
        paragraph.alignment = align
        text_run(paragraph, line, font, size, bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return cell


def _caption(cell, text):
    return _cell_text(cell, text, font=CAPTION_FONT, size=12, bold=True,
                      align=WD_ALIGN_PARAGRAPH.CENTER)


def _seal_block(cell, text: str):
    """Opinion text, then the seal and date places aligned right."""
    _cell_text(cell, text)
    for _ in range(2):
        text_run(cell.add_paragraph(), "")
    for line in (SEAL_LINE, DATE_LINE):
        paragraph = cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        text_run(paragraph, line)


def build(application: Application) -> bytes:
    """The .docx bytes of the application's 申报书."""
    doc = a4_document()

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text_run(title, TITLE, TITLE_FONT, 22, bold=True)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text_run(sub, f"（{application.round.year}年度）", BODY_FONT, 14)

    table = doc.add_table(rows=6, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER

    rows = table.rows
    _caption(rows[0].cells[0], "申报单位")
    _cell_text(rows[0].cells[1].merge(rows[0].cells[3]), application.unit.name)
    _caption(rows[1].cells[0], "联系人")
    _cell_text(rows[1].cells[1], application.contact_name)
    _caption(rows[1].cells[2], "联系人手机")
    _cell_text(rows[1].cells[3], application.contact_mobile)
    _caption(rows[2].cells[0], "传真")
    _cell_text(rows[2].cells[1], application.fax)
    _caption(rows[2].cells[2], "电子信箱")
    _cell_text(rows[2].cells[3], application.email)
    _caption(rows[3].cells[0], "申报方案")
    scheme = _cell_text(rows[3].cells[1].merge(rows[3].cells[3]), f"（{SCHEME_GUIDANCE}）",
                        font=CAPTION_FONT, size=10.5)
    for line in for_export(application.scheme or "").splitlines() or [""]:
        text_run(scheme.add_paragraph(), line)
    _caption(rows[4].cells[0], "单位意见")
    _seal_block(rows[4].cells[1].merge(rows[4].cells[3]), PLEDGE_TEXT)
    _caption(rows[5].cells[0], "省科协意见")
    # Only a current opinion: once the unit resubmits, an earlier return remark is history.
    _seal_block(rows[5].cells[1].merge(rows[5].cells[3]), application.current_opinion)
    fix_column_widths(table, COLUMN_WIDTHS)

    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def filename(application: Application) -> str:
    return f"科协代表之家申报书-{application.round.year}-{application.unit.name}.docx"
