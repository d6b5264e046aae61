"""Word (.docx) plumbing every document shares: Chinese declared as the East Asian language, East
Asian fonts named explicitly (`w:eastAsia`, else Chinese shows in a fallback font) and table column
widths written where Word, LibreOffice and WPS each read them."""
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

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
