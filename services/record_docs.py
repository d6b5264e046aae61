"""Word documents of the 履职档案 (SPEC §5.7) and of a Home's activity 台账, as offices file them.

- `record_docx(records)`: one representative's record, or every record of a Home in one document
  (one A4 page group per representative, a page break between them).
- `ledger_docx(ledger)`: a Home's verified activities of a year, one block per activity with the
  photos as thumbnails (Pillow), the way a 台账 is kept for inspection.

Chinese is set in 宋体/黑体 through `w:eastAsia` (services/docx_form.set_east_asian_font); text
is written as stored, minus characters a Word document cannot hold (C0 controls).
"""
import re
from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Cm, Pt

from models.enums import Kind, Level
from services.docx_form import BODY_FONT, TITLE_FONT, set_east_asian_font
from services.records import MONTHS

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text) -> str:
    """`text` as a string Word can hold (XML 1.0 characters only)."""
    return _ILLEGAL.sub("", "" if text is None else str(text))


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.5)
    normal = doc.styles["Normal"]
    set_east_asian_font(normal, BODY_FONT)
    normal.font.size = Pt(11)
    return doc


def _para(doc_or_cell, text="", *, font=BODY_FONT, size=11, bold=False, align=None):
    paragraph = doc_or_cell.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if text:
        run = paragraph.add_run(clean(text))
        set_east_asian_font(run, font)
        run.font.size = Pt(size)
        run.bold = bold
    return paragraph


def _cell(cell, text, *, bold=False):
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(clean(text))
    set_east_asian_font(run, BODY_FONT)
    run.font.size = Pt(10.5)
    run.bold = bold


def _table(doc, header: list[str], rows: list[list], widths: list[float]):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text, width in zip(table.rows[0].cells, header, widths, strict=True):
        cell.width = Cm(width)
        _cell(cell, text, bold=True)
    for values in rows:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.width = Cm(width)
            _cell(cell, text)
    return table


def _kind_label(code: str) -> str:
    try:
        return Kind(code).label
    except ValueError:
        return code


def _add_record(doc, record) -> None:
    rep = record.representative
    _para(doc, f"代表履职档案（{record.year}年度）", font=TITLE_FONT, size=18, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    level = Level(rep.level).label if rep.level else ""
    home = rep.home.name if rep.home is not None else ""
    _table(doc, ["姓名", "代表层级", "所属代表之家", "工作单位"],
           [[rep.name, level, home, rep.work_unit or "—"]], [3, 2.5, 5.5, 5])

    _para(doc, "一、履职月历（有已审核活动的月份标 ●）", font=TITLE_FONT, size=12, bold=True)
    active = set(record.months_active)
    _table(doc, [f"{m}月" for m in MONTHS], [["●" if m in active else "○" for m in MONTHS]],
           [1.33] * 12)

    _para(doc, "二、活动开展（已审核，含联合组织）", font=TITLE_FONT, size=12, bold=True)
    rows = []
    for theme, items in record.activities_grouped:
        if not items:
            rows.append([theme.label, "—", "", ""])
        for item in items:
            role = "组织" if item.role == "organizer" else "联合组织"
            rows.append([theme.label, item.title, item.date.isoformat(), role])
    _table(doc, ["主题", "活动", "日期", "角色"], rows, [3, 8, 3, 2])
    counts = "；".join(f"{theme.label} {len(items)} 次" for theme, items in record.activities_grouped)
    _para(doc, f"合计 {len(record.activities)} 次：{counts}。")

    _para(doc, "三、联系科技工作者", font=TITLE_FONT, size=12, bold=True)
    status = "达标" if record.compliant else "未达标"
    _para(doc, f"本年联系科技工作者 {record.workers_contacted} 人（要求不少于 {record.threshold} 人），"
               f"{status}。")

    _para(doc, "四、诉求建议", font=TITLE_FONT, size=12, bold=True)
    _para(doc, f"本年收到诉求建议 {record.appeals_received} 件，已办结 {record.appeals_resolved} 件。")


def record_docx(records) -> bytes:
    """The .docx bytes of one or more 履职档案, a page break between representatives."""
    doc = _document()
    for i, record in enumerate(records):
        if i:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _add_record(doc, record)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def ledger_docx(ledger) -> bytes:
    """The .docx bytes of a Home's 台账 for a year (services.ledger.Ledger)."""
    doc = _document()
    _para(doc, f"{ledger.home.name}活动台账（{ledger.year}年度）", font=TITLE_FONT, size=18, bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, f"已审核活动 {len(ledger.entries)} 次，参与 {ledger.participants} 人次。",
          align=WD_ALIGN_PARAGRAPH.CENTER)
    for number, entry in enumerate(ledger.entries, start=1):
        a = entry.activity
        _para(doc, f"{number}. {a.title}", font=TITLE_FONT, size=12, bold=True)
        organisers = "、".join([a.organizer.name] + [u.name for u in a.co_organizers])
        participants = "未填写" if a.participants is None else f"{a.participants} 人"
        _table(doc, ["日期", "主题 / 形式", "地点", "参与人数", "组织者"],
               [[a.date.isoformat(), f"{a.theme.label} / {_kind_label(a.kind.value)}",
                 a.location or "—", participants, organisers]], [2.4, 4.4, 3.6, 2, 3.6])
        _para(doc, a.summary, size=10.5)
        if entry.thumbnails:
            paragraph = doc.add_paragraph()
            for image in entry.thumbnails:
                paragraph.add_run().add_picture(BytesIO(image), width=Cm(5))
                paragraph.add_run("  ")
        if entry.other_files:
            _para(doc, "附件：" + "、".join(entry.other_files), size=9.5)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


__all__ = ["clean", "ledger_docx", "record_docx"]
