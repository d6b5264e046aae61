"""The workbooks an import hands out (SPEC §5.8): each kind's template and the refused rows.

Reading an import is reading.py, running one operations.py; this module only writes .xlsx files.
"""
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from models import Import
from models.enums import ImportKind
from services.errors import NotFound
from services.imports import kinds as import_kinds
from services.imports.reading import HEADER_SEARCH_ROWS, MAX_BYTES, MAX_ROWS, find_header, open_sheet
from services.input_rules import for_spreadsheet


def template_workbook(kind) -> bytes:
    """The .xlsx template of a kind (SPEC §8 GET /imports/{kind}/template).

    First sheet: one header row of the kind's §5.8 columns and nothing else (required headers in
    red, a note on each), so a filled template imports as it is; columns with fixed values offer a
    drop-down, number-like columns are text. Second sheet 填写说明: per column whether it is
    required, the rule and an example row — outside the first sheet, so it is never imported.
    Returns the workbook's bytes.
    """
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    spec = import_kinds.KINDS[ImportKind(kind)]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ImportKind(kind).label
    sheet.freeze_panes = "A2"
    last_row = MAX_ROWS + HEADER_SEARCH_ROWS
    for position, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=position, value=column.header)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        note = ("必填。" if column.required else "") + column.note
        if note:
            cell.comment = Comment(note, "RepHome")
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(12, 3 * len(column.header))
        if column.digits:
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices:
            choice = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                                    allow_blank=True, showErrorMessage=True, errorStyle="warning",
                                    errorTitle=column.header,
                                    error="请从下拉列表中选择：" + "、".join(column.choices))
            choice.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(choice)
    guide = workbook.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写要求", "示例"])
    for column in spec.columns:
        rule = column.note or "—"
        if column.choices:
            rule += "（可选：" + "、".join(column.choices) + "）"
        guide.append([column.header, "必填" if column.required else "选填", rule, column.example])
    guide.append([])
    guide.append(["说明", "", "只读取第一个工作表；标题行可放在前10行内，列的顺序不限；"
                  f"每个文件最多{MAX_ROWS:,}行数据、{MAX_BYTES // (1024 * 1024)} MB。"
                  "先上传做“试导入”核对，确认无误后再正式导入。", ""])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (14, 10, 60, 24), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


#: The column beside 原行号 naming the refused row; not a header of any kind, so never imported.
NAME_HEADER = "本行姓名/名称"


def refused_workbook(record: Import) -> bytes:
    """The refused rows of an import as they were written, each with its row number (原行号) and its
    姓名 or 单位名称 beside it (NAME_HEADER), plus a reason column (错误原因).

    Columns line up with the file's header row whatever cells a row left blank (a read-only sheet
    drops trailing blank cells), so 错误原因 is always the last column and correcting the file
    and uploading it again imports the data, never the reasons (the import ignores 原行号,
    NAME_HEADER and 错误原因). The header row and the two leading columns are frozen and the
    columns are sized for reading."""
    if not record.payload or not record.refused:
        raise NotFound("该导入没有可下载的错误行")
    reasons, names = {}, {}
    for item in record.refused:
        reasons.setdefault(item["row"], []).append(
            f"{item['column']}：{item['message']}" if item["column"] else item["message"])
        names.setdefault(item["row"], item.get("name") or "")
    columns = import_kinds.KINDS[record.kind].columns
    workbook, sheet = open_sheet(record.payload)
    header_cells, kept = [], []
    try:
        rows = enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        first = []
        for number, cells in rows:
            first.append(cells)
            if number == HEADER_SEARCH_ROWS:
                break
        header = find_header(first, columns)
        header_number = header[0] + 1 if header else 0
        buffered = ((i + 1, cells) for i, cells in enumerate(first))
        for source in (buffered, rows):
            for number, cells in source:
                if number == header_number:
                    header_cells = list(cells)
                elif number in reasons:
                    kept.append((number, list(cells)))
    finally:
        workbook.close()
    while header_cells and header_cells[-1] in (None, ""):
        header_cells.pop()
    width = max([len(header_cells), *(len(_trimmed(cells)) for _n, cells in kept)])
    # Write-only: the widths and the frozen panes go on before the first row.
    out_book = Workbook(write_only=True)
    out = out_book.create_sheet("错误行")
    out.column_dimensions["A"].width = 8
    out.column_dimensions["B"].width = 16
    for index in range(width):
        out.column_dimensions[get_column_letter(index + 3)].width = 16
    out.column_dimensions[get_column_letter(width + 3)].width = 48
    out.freeze_panes = "C2"
    header = []
    for value in ["原行号", NAME_HEADER, *_padded(header_cells, width), "错误原因"]:
        cell = WriteOnlyCell(out, value)
        cell.font = Font(bold=True)
        header.append(cell)
    out.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, cells in kept:
        reason = WriteOnlyCell(out, "；".join(reasons[number]))
        reason.alignment = wrap
        out.append([number, _safe(names.get(number, "")), *_padded(_trimmed(cells), width),
                    reason])
    buffer = BytesIO()
    out_book.save(buffer)
    return buffer.getvalue()


def _trimmed(cells: list) -> list:
    """A row without its trailing blank cells."""
    cells = list(cells)
    while cells and cells[-1] in (None, ""):
        cells.pop()
    return cells


def _padded(cells: list, width: int) -> list:
    """`width` cells through the spreadsheet rule, blanks where the row had none."""
    return [_safe(c) for c in cells] + [None] * (width - len(cells))


_safe = for_spreadsheet  # refused rows handed back go through the one spreadsheet rule
