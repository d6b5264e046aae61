"""The 经费奖补 list as an Excel file for the finance office (amounts stored as numbers with a
yuan format, a total row) and a Word 拨付通知 per Home. Both are audited downloads."""
from io import BytesIO

from flask import send_file
from openpyxl import Workbook
from openpyxl.styles import Font

from blueprints.decorators import roles_required
from blueprints.subsidies import bp
from blueprints.web.exports import log_export
from blueprints.xlsx import XLSX_MIME, autofit, safe, sheet_name
from models.enums import Role
from services import clock, subsidies
from services.errors import NotFound

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Yuan with thousands separators and two decimals; the stored value stays a plain number.
YUAN_FORMAT = '"¥"#,##0.00'
HEADERS = ["序号", "代表之家", "依托单位", "设区市", "考核总分", "考核等次", "奖补金额（元）",
           "拨付日期", "凭证号", "状态"]
AMOUNT_COLUMN = 7  # 1-based: 奖补金额


def workbook_for(listing) -> Workbook:
    """One sheet: a title row, the header, a row per listed Home, the total row (合计)."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_name(f"{listing.year}年度经费奖补")
    ws.append([f"{listing.year}年度科协代表之家经费奖补拨付表"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(HEADERS)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for n, r in enumerate(listing.rows, start=1):
        ws.append([n, safe(r.home_name), safe(r.unit_name), safe(r.city or ""), r.total,
                   r.grade.label, r.amount, r.payment.paid_on if r.payment else None,
                   safe(r.payment.voucher) if r.payment else "",
                   "已拨付" if r.payment else "待拨付"])
        ws.cell(row=ws.max_row, column=5).number_format = "0.00"
        ws.cell(row=ws.max_row, column=AMOUNT_COLUMN).number_format = YUAN_FORMAT
        ws.cell(row=ws.max_row, column=8).number_format = "yyyy-mm-dd"
    ws.append(["合计", f"{len(listing.rows)}家", "", "", None, "", listing.total_amount, None,
               f"已拨付{listing.paid_count}家", f"已拨付金额 {listing.total_paid:,.2f} 元"])
    total = ws.max_row
    for cell in ws[total]:
        cell.font = Font(bold=True)
    ws.cell(row=total, column=AMOUNT_COLUMN).number_format = YUAN_FORMAT
    ws.freeze_panes = "A3"
    autofit(ws, first_row=2)
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
    """The Word 拨付通知 of one listed Home (404 when the Home is not listed for the year)."""
    year = subsidies.parse_year(year)
    rows = subsidies.subsidy_list(year, home_ids=[home_id]).rows
    if not rows:
        raise NotFound()
    data = subsidies.notice_docx(year, rows[0], clock.today())
    log_export(f"{year}年度经费奖补拨付通知", 1, object_type="homes", object_id=home_id)
    return send_file(BytesIO(data), as_attachment=True, mimetype=DOCX_MIME,
                     download_name=subsidies.notice_filename(year, rows[0]))
