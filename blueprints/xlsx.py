"""Excel files as the office files them: Chinese sheet names, numbers stored as numbers with a
number format (percent, two decimals), dates as dates, columns wide enough for their headers and
cells, text guarded against formula injection (a cell starting with = + - @ gets a leading ')."""
from datetime import date, datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from services.input_rules import for_spreadsheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NUMBER_FORMATS = {"percent": "0.0%", "score": "0.00", "date": "yyyy-mm-dd"}
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})


#: Every cell goes through the one spreadsheet rule (formula guard, characters xlsx cannot hold).
safe = for_spreadsheet


def sheet_name(text: str) -> str:
    """A valid sheet name (≤ 31 characters, none of []:*?/\\)."""
    return (text.translate(_BAD_SHEET_CHARS).strip() or "Sheet")[:31]


def display_width(value) -> int:
    """Columns needed to show a value: CJK and full-width characters count double."""
    if value is None:
        return 0
    if isinstance(value, (date, datetime)):
        return 10
    if isinstance(value, float):
        return 8
    text = str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def autofit(ws, *, first_row: int = 1, minimum: int = 6, maximum: int = 60) -> None:
    """Every column at least as wide as its widest cell from `first_row` on (headers included)."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            widths[cell.column] = max(widths.get(cell.column, 0), display_width(cell.value))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = max(minimum,
                                                                    min(maximum, width + 2))


def write_rows(ws, headers, rows, formats: dict | None = None, footer=None) -> int:
    """Header (bold, frozen below it), rows and footer from the sheet's next row; `formats` maps a
    column index to percent / score / date. Returns the header's row number."""
    formats = formats or {}
    ws.append([safe(h) for h in headers])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=False, vertical="center")
    for row in [*rows, *([footer] if footer else [])]:
        ws.append([safe(v) for v in row])
        for index, fmt in formats.items():
            cell = ws.cell(row=ws.max_row, column=index + 1)
            if fmt in NUMBER_FORMATS and cell.value is not None and not isinstance(cell.value, str):
                cell.number_format = NUMBER_FORMATS[fmt]
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    return header_row


def save(wb: Workbook) -> BytesIO:
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out
