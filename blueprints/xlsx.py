"""Excel files as the office files them: Chinese sheet names, numbers stored as numbers with a
number format (percent, two decimals), dates as dates, columns wide enough for their headers and
cells, the header bold and frozen, text guarded against formula injection (a cell starting with
= + - @ gets a leading ').

Lists are written in openpyxl's write-only mode (`book()`, `write_table`): rows stream to the
file as they are appended, so a list's memory and time follow its cells, never a grid of cell
objects; the widths and the frozen header are set before the first row."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from itertools import chain, islice

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from services.input_rules import for_spreadsheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Days stay numbers and read like the pages' days_text: "19 天", "19.5 天".
NUMBER_FORMATS = {"percent": "0.0%", "score": "0.00", "date": "yyyy-mm-dd",
                  "days": 'General" 天"'}
_BAD_SHEET_CHARS = str.maketrans({c: "_" for c in "[]:*?/\\"})
#: Column widths fit the header, the footer and at most this many rows (the first ones).
FIT_ROWS = 2000
_HEADER_FONT = Font(bold=True)
_HEADER_ALIGNMENT = Alignment(wrap_text=False, vertical="center")


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


@dataclass(frozen=True)
class Styled:
    """A cell value with its style: `number_format` (an Excel format or a key of
    NUMBER_FORMATS), `font`, `alignment`."""
    value: object
    number_format: str | None = None
    font: Font | None = None
    alignment: Alignment | None = None


@dataclass
class Line:
    """A line above a table's header (a title, the filters, a note): its cells (values or
    Styled) and whether the column widths fit it (`fit`; a long title may overflow)."""
    cells: list
    fit: bool = True


def book() -> Workbook:
    """A write-only workbook (no sheet yet: write_table adds them in order)."""
    return Workbook(write_only=True)


def _cell(ws, value):
    if not isinstance(value, Styled):
        return safe(value)
    cell = WriteOnlyCell(ws, safe(value.value))
    if value.number_format:
        cell.number_format = NUMBER_FORMATS.get(value.number_format, value.number_format)
    if value.font is not None:
        cell.font = value.font
    if value.alignment is not None:
        cell.alignment = value.alignment
    return cell


def _plain(value):
    return value.value if isinstance(value, Styled) else value


def _fit(widths: dict, cells) -> None:
    for column, value in enumerate(cells, start=1):
        width = display_width(_plain(value))
        if width > widths.get(column, 0):
            widths[column] = width


def write_table(wb: Workbook, title: str, headers: list, rows: Iterable,
                formats: dict | None = None, footer: list | None = None, *,
                above: Iterable[Line] = (), widths: dict | None = None,
                minimum: int = 6, maximum: int = 60, freeze_column: int = 1):
    """Append a sheet named `title` (sheet_name) to the write-only workbook `wb`: the `above`
    lines, then the header (bold; the panes frozen below it and left of `freeze_column`), the
    rows and the footer. `formats` maps a column index (0-based) to percent / score / date / days: such
    a cell holding a number or a date gets that number format. Rows are values (or Styled);
    they may be a generator: only the first FIT_ROWS are held to measure the widths.

    Column widths: `widths` (column letter → width) when given, else each column as wide as its
    widest cell among the fitted lines, the header, the first FIT_ROWS rows and the footer
    (CJK counted double), within [minimum, maximum]. Answers the sheet."""
    ws = wb.create_sheet(sheet_name(title))
    formats = {i: NUMBER_FORMATS[f] for i, f in (formats or {}).items() if f in NUMBER_FORMATS}
    above = list(above)
    rows = iter(rows)
    first = list(islice(rows, FIT_ROWS))
    if widths is None:
        measured: dict[int, int] = {}
        for line in above:
            if line.fit:
                _fit(measured, line.cells)
        for cells in chain([headers], first, [footer] if footer else []):
            _fit(measured, cells)
        widths = {get_column_letter(c): max(minimum, min(maximum, w + 2))
                  for c, w in measured.items()}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    header_row = len(above) + 1
    ws.freeze_panes = f"{get_column_letter(freeze_column)}{header_row + 1}"
    for line in above:
        ws.append([_cell(ws, v) for v in line.cells])
    ws.append([_cell(ws, Styled(h, font=_HEADER_FONT, alignment=_HEADER_ALIGNMENT))
               for h in headers])
    for cells in chain(first, rows, [footer] if footer else []):
        ws.append(_formatted(ws, cells, formats))
    return ws


def _formatted(ws, cells, formats: dict) -> list:
    out = []
    for index, value in enumerate(cells):
        fmt = formats.get(index)
        if (fmt and value is not None and not isinstance(value, (str, Styled))
                and not isinstance(value, bool)):
            value = Styled(value, number_format=fmt)
        out.append(_cell(ws, value))
    return out


def save(wb: Workbook) -> BytesIO:
    """The workbook as an .xlsx file in memory, at its start."""
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out
