"""The Word 拨付通知 (payment notice) of one listed Home's 经费奖补: A4, 黑体 title, 宋体 body named
through `w:eastAsia` (services.word), a table of grade, total, amount and payment, and the
office's seal lines — the way the provincial office sends it with the transfer."""
from decimal import Decimal
from io import BytesIO

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from services.subsidies.listing import SubsidyRow
from services.word import TITLE_FONT, a4_document, fix_column_widths, text_run

ISSUER = "江苏省科学技术协会"
COLUMN_WIDTHS = (Cm(4.2), Cm(11.2))


def yuan(amount: Decimal | None) -> str:
    """¥1,234.50 元 style: thousands separated, two decimals ('—' for none)."""
    return "—" if amount is None else f"{Decimal(amount):,.2f} 元"


def notice_docx(year: int, row: SubsidyRow, issued_on) -> bytes:
    """The .docx bytes of the 拨付通知 of `row` (a listed Home of `year`), dated `issued_on`."""
    doc = a4_document()

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    text_run(title, f"{year}年度科协代表之家经费奖补拨付通知", TITLE_FONT, 18, bold=True)
    text_run(doc.add_paragraph(), f"{row.unit_name}：")
    body = (f"根据{year}年度科协代表之家动态考核结果（已公示期满），你单位{row.home_name}"
            f"考核等次为“{row.grade.label}”，核定经费奖补 {yuan(row.amount)}。")
    if row.payment is not None:
        body += (f"该款项已于{row.payment.paid_on.isoformat()}拨付（凭证号："
                 f"{row.payment.voucher}），请注意查收，专款用于代表之家建设和代表履职服务。")
    else:
        body += "款项拨付后另行告知凭证号。"
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(24)
    text_run(paragraph, body)

    lines = [("代表之家", row.home_name), ("依托单位", row.unit_name),
             ("考核总分", f"{row.total:.2f}"), ("考核等次", row.grade.label),
             ("奖补金额", yuan(row.amount)),
             ("拨付日期", row.payment.paid_on.isoformat() if row.payment else "—"),
             ("凭证号", row.payment.voucher if row.payment else "—")]
    table = doc.add_table(rows=len(lines), cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for (caption, value), tr in zip(lines, table.rows, strict=True):
        text_run(tr.cells[0].paragraphs[0], caption, bold=True)
        text_run(tr.cells[1].paragraphs[0], value)
    fix_column_widths(table, COLUMN_WIDTHS)

    for text in ("", ISSUER, "（盖章）", f"{issued_on.year}年{issued_on.month}月{issued_on.day}日"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        text_run(p, text)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def notice_filename(year: int, row: SubsidyRow) -> str:
    return f"经费奖补拨付通知-{year}-{row.home_name}.docx"
