"""Word documents of the 履职档案 (SPEC §5.7) and of a Home's activity 台账, as offices file them.

- `record_docx(records)`: one representative's record, or every record of a Home in one document
  (one A4 page group per representative, a page break between them).
- `ledger_docx(ledger)`: a Home's verified activities of a year, one block per activity with the
  photos as thumbnails (Pillow), the way a 台账 is kept for inspection.

Chinese is set in 宋体/黑体 through `w:eastAsia` (services.word.set_east_asian_font); text
is written as stored, minus characters a Word document cannot hold (C0 controls).
"""
from io import BytesIO
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt

from models.enums import Kind, Level
from services.input_rules import for_export
from services.records.annual import MONTHS
from services.word import TITLE_FONT, a4_document, set_east_asian_font


def clean(text) -> str:
    """`text` as a string Word can hold: the shared export rule (services.input_rules.for_export)."""
    return for_export("" if text is None else str(text))


TWIPS_PER_CM = 567
TITLE_STYLE, HEADING_STYLE = "档案标题", "档案小标题"


def _document() -> Document:
    """An A4 document whose styles carry the fonts, so runs need no formatting of their own
    (python-docx's per-run formatting is far too slow for a Home's hundreds of records;
    bench/RESULTS.md, "Records and search")."""
    doc = a4_document(top_bottom_cm=2.2, left_right_cm=2.5, body_size_pt=11)
    doc.style_ids = {}
    normal = doc.styles["Normal"]
    for name, size, centred in ((TITLE_STYLE, 18, True), (HEADING_STYLE, 12, False)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        doc.style_ids[name] = style.style_id
        style.base_style = normal
        set_east_asian_font(style, TITLE_FONT)
        style.font.size = Pt(size)
        style.font.bold = True
        if centred:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return doc


def _p(text="", *, style_id=None, centred=False, page_break=False) -> str:
    """One paragraph as WordprocessingML."""
    props = ""
    if style_id or centred:
        props = ("<w:pPr>" + (f'<w:pStyle w:val="{style_id}"/>' if style_id else "")
                 + ('<w:jc w:val="center"/>' if centred else "") + "</w:pPr>")
    if page_break:
        return f'<w:p>{props}<w:r><w:br w:type="page"/></w:r></w:p>'
    run = f'<w:r><w:t xml:space="preserve">{escape(clean(text))}</w:t></w:r>' if text else ""
    return f"<w:p>{props}{run}</w:p>"


#: Left and right padding of table cells, in twips (Word's default for Table Grid is 108).
CELL_MARGIN = 85


def _tc(text, width_twips: int, bold: bool, nowrap: bool = False) -> str:
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    keep = "<w:noWrap/>" if nowrap else ""
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width_twips}" w:type="dxa"/>{keep}</w:tcPr><w:p><w:r>'
            f'{props}<w:t xml:space="preserve">{escape(clean(text))}</w:t></w:r></w:p></w:tc>')


def _table(header: list[str], rows: list[list], widths: list[float], nowrap=()) -> str:
    """A bordered table (style Table Grid) with fixed column widths in cm, header row bold.

    The widths go into w:tblGrid and every w:tcW, with a fixed layout, so LibreOffice and WPS
    keep them as Word does. The columns numbered in `nowrap` (dates, months, short labels) are
    never broken inside (w:noWrap), and their widths hold their text: "2026-04-12" and "10月"
    stay on one line.
    """
    twips = [round(w * TWIPS_PER_CM) for w in widths]
    grid = "".join(f'<w:gridCol w:w="{t}"/>' for t in twips)
    keep = [i in nowrap for i in range(len(twips))]
    body = ["<w:tr>" + "".join(_tc(h, t, True, k) for h, t, k in zip(header, twips, keep, strict=True))
            + "</w:tr>"]
    for values in rows:
        body.append("<w:tr>" + "".join(_tc(v, t, False, k)
                                       for v, t, k in zip(values, twips, keep, strict=True))
                    + "</w:tr>")
    margins = (f'<w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
               f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>')
    return (f'<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/>'
            f'<w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblLayout w:type="fixed"/>{margins}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
            + "".join(body) + "</w:tbl>")


def _append(doc, xml: str) -> None:
    """Append WordprocessingML (paragraphs and tables) to the body, before its section properties.

    Written as text and parsed once per block: python-docx's object API, run by run and cell by
    cell, is far too slow for a Home's 档案 of hundreds of records (bench/RESULTS.md, "Records and
    search").
    """
    wrapper = parse_xml(f'<w:body {nsdecls("w")}>{xml}</w:body>')
    anchor = doc.element.body.sectPr
    for child in list(wrapper):
        anchor.addprevious(child)


def _kind_label(code: str) -> str:
    try:
        return Kind(code).label
    except ValueError:
        return code


def _record_xml(doc, record) -> str:
    rep = record.representative
    title, heading = doc.style_ids[TITLE_STYLE], doc.style_ids[HEADING_STYLE]
    level = Level(rep.level).label if rep.level else ""
    home = rep.home.name if rep.home is not None else ""
    parts = [_p(f"代表履职档案（{record.year}年度）", style_id=title),
             _table(["姓名", "代表层级", "所属代表之家", "工作单位"],
                    [[rep.name, level, home, rep.work_unit or "—"]], [3, 2.5, 5.5, 5]),
             _p("一、履职月历（有已审核活动的月份标 ●）", style_id=heading)]
    active = set(record.months_active)
    parts.append(_table([f"{m}月" for m in MONTHS], [["●" if m in active else "○" for m in MONTHS]],
                        [1.33] * 12, nowrap=range(12)))
    parts.append(_p("二、活动开展（已审核，含联合组织）", style_id=heading))
    rows = []
    for theme, items in record.activities_grouped:
        if not items:
            rows.append([theme.label, "—", "", ""])
        for item in items:
            role = "组织" if item.role == "organizer" else "联合组织"
            title = item.title + (f"（问卷：{item.survey_title}）" if item.survey_title else "")
            if item.home_name:
                title += f"（联合开展 · {item.home_name}）"
            rows.append([theme.label, title, item.date.isoformat(), role])
    parts.append(_table(["主题", "活动", "日期", "角色"], rows, [2.8, 7.8, 3.0, 2.4],
                        nowrap=(0, 2, 3)))
    counts = "；".join(f"{theme.label} {len(items)} 次" for theme, items in record.activities_grouped)
    parts.append(_p(f"合计 {len(record.activities)} 次：{counts}。"))
    parts.append(_p("三、联系科技工作者", style_id=heading))
    status = "达标" if record.compliant else "未达标"
    parts.append(_p(f"本年联系科技工作者 {record.workers_contacted} 人（要求不少于 {record.threshold} 人），"
                    f"{status}。"))
    parts.append(_p("四、诉求建议", style_id=heading))
    parts.append(_p(f"本年收到诉求建议 {record.appeals_received} 件，已办结 {record.appeals_resolved} 件。"))
    return "".join(parts)


def record_docx(records) -> bytes:
    """The .docx bytes of one or more 履职档案, a page break between representatives."""
    doc = _document()
    for i, record in enumerate(records):
        _append(doc, (_p(page_break=True) if i else "") + _record_xml(doc, record))
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def ledger_docx(ledger) -> bytes:
    """The .docx bytes of a Home's 台账 for a year (services.records.ledger.Ledger)."""
    doc = _document()
    title, heading = doc.style_ids[TITLE_STYLE], doc.style_ids[HEADING_STYLE]
    _append(doc, _p(f"{ledger.home.name}活动台账（{ledger.year}年度）", style_id=title)
            + _p(f"已审核活动 {len(ledger.entries)} 次，参与 {ledger.participants} 人次。", centred=True))
    for number, entry in enumerate(ledger.entries, start=1):
        a = entry.activity
        organisers = "、".join([a.organizer.name] + [u.name for u in a.co_organizers])
        participants = entry.participants_text
        parts = [_p(f"{number}. {a.title}", style_id=heading),
                 _table(["日期", "主题 / 形式", "地点", "参与人数", "组织者"],
                        [[a.date.isoformat(), f"{a.theme.label} / {_kind_label(a.kind.value)}"
                          + (f"（问卷：{a.survey.title}）" if a.survey is not None else ""),
                          a.location or "—", participants, organisers]], [2.8, 4.2, 3.4, 2.2, 3.4],
                        nowrap=(0, 3))]
        parts.extend(_p(line) for line in (a.summary or "").splitlines() or [""])
        if entry.other_files:
            parts.append(_p("附件：" + "、".join(entry.other_files)))
        _append(doc, "".join(parts))
        if entry.thumbnails:
            paragraph = doc.add_paragraph()
            for image in entry.thumbnails:
                paragraph.add_run().add_picture(BytesIO(image), width=Cm(5))
                paragraph.add_run("  ")
    if ledger.joint:
        _append(doc, _p("联合开展（其他代表之家组织，本之家代表参与）", style_id=heading)
                + _p(f"以下 {len(ledger.joint)} 次活动计入组织者所在代表之家，"
                     "不计入本台账的活动次数和参与人次。")
                + _table(["日期", "活动", "组织者（代表之家）", "本之家联合组织代表"],
                         [[j.activity.date.isoformat(), f"【联合开展】{j.activity.title}",
                           f"{j.activity.organizer.name}（{j.activity.home.name}）",
                           "、".join(u.name for u in j.our_representatives)]
                          for j in ledger.joint], [2.8, 5.2, 4.2, 3.8], nowrap=(0,)))
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
