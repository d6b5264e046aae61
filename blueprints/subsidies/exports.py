"""The 经费奖补 list as an Excel file for the finance office (amounts stored as numbers with a
yuan format, a total row) and a Word 拨付通知 per Home. Both are audited downloads."""
from io import BytesIO

from flask import send_file
from openpyxl import Workbook
from openpyxl.styles import Font

from blueprints.decorators import roles_required
from blueprints.subsidies import bp
from blueprints.web.exports import log_export
from blueprints.xlsx import XLSX_MIME, Line, Styled, book, write_table
from models.enums import Role
from services import clock, subsidies
from services.errors import Conflict, NotFound

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Yuan with thousands separators and two decimals; the stored value stays a plain number.
YUAN_FORMAT = '"¥"#,##0.00'
HEADERS = ["序号", "代表之家", "依托单位", "设区市", "考核总分", "考核等次", "奖补金额（元）",
           "拨付日期", "凭证号", "状态"]
AMOUNT_COLUMN = 7  # 1-based: 奖补金额


def workbook_for(listing) -> Workbook:
    """One sheet (write-only): a title row, the header (frozen), a row per listed Home, the
    total row (合计, bold); 考核总分 two decimals, amounts in yuan, 拨付日期 a date cell."""
    wb = book()
    bold = Font(bold=True)
    rows = ([n, r.home_name, r.unit_name, r.city or "", Styled(r.total, number_format="0.00"),
             r.grade.label, Styled(r.amount, number_format=YUAN_FORMAT),
             Styled(r.payment.paid_on, number_format="yyyy-mm-dd") if r.payment else None,
             r.payment.voucher if r.payment else "", "已拨付" if r.payment else "待拨付"]
            for n, r in enumerate(listing.rows, start=1))
    total = [Styled(v, font=bold, number_format=YUAN_FORMAT if i == AMOUNT_COLUMN - 1 else None)
             for i, v in enumerate(["合计", f"{len(listing.rows)}家", "", "", None, "",
                                    listing.total_amount, None, f"已拨付{listing.paid_count}家",
                                    f"已拨付金额 {listing.total_paid:,.2f} 元"])]
    title = Styled(f"{listing.year}年度科协代表之家经费奖补拨付表", font=Font(bold=True, size=14))
    write_table(wb, f"{listing.year}年度经费奖补", HEADERS, rows, footer=total,
                above=[Line([title], fit=False)])
    return wb


@bp.route("/<int:year>/export.xlsx")
@roles_required(Role.PROVINCIAL_ADMIN)
def export(year):
    """The year's list as .xlsx with a total row."""
    listing = subsidies.subsidy_list(subsidies.parse_year(year))
    out = BytesIO()
    workbook_for(listing).save(out)
    log_export(f"{year}年度经费奖补拨付表", len(listing.rows), object_type="subsidy_payments")
    out.seek(0)
    return send_file(out, as_attachment=True, mimetype=XLSX_MIME,
                     download_name=f"经费奖补拨付表-{year}.xlsx")


@bp.route("/<int:year>/homes/<int:home_id>/notice.docx")
@roles_required(Role.PROVINCIAL_ADMIN)
def notice(year, home_id):
    """The Word 拨付通知 of one listed Home (404 when the Home is not listed for the year; 409 with
    a Chinese page while the year's rates are not set — the notice would state no amount)."""
    year = subsidies.parse_year(year)
    listing = subsidies.subsidy_list(year, home_ids=[home_id])
    rows = listing.rows
    if not rows:
        raise NotFound()
    if listing.rates is None:
        raise Conflict(f"{year}年度奖补标准尚未设定，暂不能生成拨付通知；请先设定奖补标准")
    data = subsidies.notice_docx(year, rows[0], clock.today())
    log_export(f"{year}年度经费奖补拨付通知", 1, object_type="homes", object_id=home_id)
    return send_file(BytesIO(data), as_attachment=True, mimetype=DOCX_MIME,
                     download_name=subsidies.notice_filename(year, rows[0]))
