"""Word (.docx) plumbing every document shares: Chinese declared as the East Asian language, East
Asian fonts named explicitly (`w:eastAsia`, else Chinese shows in a fallback font) and table column
widths written where Word, LibreOffice and WPS each read them."""
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from services.input_rules import for_export

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
CAPTION_FONT = "仿宋"


def set_east_asian_language(doc, lang: str = "zh-CN") -> None:
    """Declare `lang` as the East Asian language (w:lang w:eastAsia) in the document defaults
    and the Normal style (python-docx's template says ja-JP)."""
    styles = doc.styles.element
    rpr_default = styles.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    for rpr in (rpr_default, doc.styles["Normal"].element.get_or_add_rPr()):
        if rpr is None:
            continue
        lang_el = rpr.find(qn("w:lang"))
        if lang_el is None:
            lang_el = OxmlElement("w:lang")
            rpr.append(lang_el)
        lang_el.set(qn("w:val"), lang)
        lang_el.set(qn("w:eastAsia"), lang)


def _child(parent, tag: str):
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        parent.append(el)
    return el


def fix_column_widths(table, widths) -> None:
    """Fixed layout with the widths in every place a word processor reads them: w:tblW, w:tblGrid
    (one gridCol per column) and a w:tcW on every cell (a merged cell spans the sum)."""
    twips = [int(w.twips) for w in widths]
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    tbl_w = _child(tbl_pr, "w:tblW")
    tbl_w.set(qn("w:w"), str(sum(twips)))
    tbl_w.set(qn("w:type"), "dxa")
    _child(tbl_pr, "w:tblLayout").set(qn("w:type"), "fixed")
    grid = tbl.tblGrid
    for col in list(grid):
        grid.remove(col)
    for w in twips:
        col = OxmlElement("w:gridCol")
        col.set(qn("w:w"), str(w))
        grid.append(col)
    for tr in tbl.tr_lst:
        index = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            tc_w = _child(tc.get_or_add_tcPr(), "w:tcW")
            tc_w.set(qn("w:w"), str(sum(twips[index:index + span])))
            tc_w.set(qn("w:type"), "dxa")
            index += span


def set_east_asian_font(target, name: str) -> None:
    """Name the font for Latin and East Asian text on a run or a style (w:rFonts w:eastAsia)."""
    target.font.name = name
    rpr = target.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def a4_document(*, top_bottom_cm: float = 2.54, left_right_cm: float = 2.8,
                body_size_pt: float = 12):
    """A new python-docx Document on A4 portrait (21.0 × 29.7 cm) with the given margins (cm),
    Chinese declared as its East Asian language and the Normal style in BODY_FONT at
    `body_size_pt` points — the page every official form of RepHome starts from."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(top_bottom_cm)
    section.left_margin = section.right_margin = Cm(left_right_cm)
    normal = doc.styles["Normal"]
    set_east_asian_font(normal, BODY_FONT)
    normal.font.size = Pt(body_size_pt)
    set_east_asian_language(doc)
    return doc


def text_run(paragraph, text, font: str = BODY_FONT, size: float = 12, bold: bool = False):
    """Append `text` (None → empty; made safe for export by input_rules.for_export) to
    `paragraph` as a run in `font` at `size` points; returns the run."""
    run = paragraph.add_run(for_export("" if text is None else str(text)))
    set_east_asian_font(run, font)
    run.font.size = Pt(size)
    run.bold = bold
    return run
