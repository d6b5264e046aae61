"""Reading an import workbook (SPEC §5.8): the shared types of every kind and the one parser.

`read_rows` streams the first sheet in openpyxl's read-only mode; the header row is the first of
the first HEADER_SEARCH_ROWS rows holding the kind's required headers; cells are trimmed; full-width
ASCII is normalised in the code-like columns (CODE_FIELDS) and for matching (`fold`), while names
and units keep what was written (（集团） stays （集团）). `Column`, `Row`, `Report` and
`Context` are what the kinds (kinds.py) work on. A leaf: it imports nothing else of the package."""
import re
from dataclasses import dataclass, field
from datetime import timedelta
from io import BytesIO
from zipfile import BadZipFile, ZipFile

from openpyxl import load_workbook

from models import Home, User
from services.errors import ServiceError, ValidationFailed

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An .xlsx is a zip: what it holds unpacked is bounded before openpyxl opens it. 20,000 rows of
# the widest kind (11 columns) take about 8 MB of sheet XML and a few MB of shared strings; 40 MB
# leaves room for generous styles and long cells, and keeps one worker's memory well under 300 MB
# (a 300 KB file with one 300 MB cell is refused here, unread).
MAX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_MEMBERS = 1000
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s/>]")
HEADER_SEARCH_ROWS = 10
CHUNK = 1000
PREVIEW_ROWS = 100  # rows created or updated listed on the report page (counts cover them all)
PAYLOAD_KEPT = timedelta(days=1)
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULL_WIDTH[0x3000] = 0x20
#: The code-like columns (SPEC §5.8: 手机号, 用户名, 代表层级, 单位类型, 邮编, 电子信箱, and the
#: usernames of 联系代表): their cells are read with full-width ASCII made ASCII.
CODE_FIELDS = frozenset({"mobile", "username", "level", "kind", "postcode", "email",
                         "representatives"})


class PayloadTooLarge(ServiceError):
    """Over 5 MB or 20,000 data rows (413)."""

    status = 413
    code = "payload_too_large"

    def __init__(self, message: str):
        super().__init__(message, {"file": [message]})


@dataclass(frozen=True)
class Column:
    """One §5.8 column: its header, the field it fills, and what the template tells the office.

    `choices` become a drop-down list in the template (a warning, not a block, for other values:
    the import itself decides, e.g. 省 for 省级); `digits` columns (mobile numbers, postcodes)
    are formatted as text there, so Excel keeps them as typed; `example` is shown on the 填写说明 sheet.
    """

    header: str
    field: str
    required: bool = False
    note: str = ""
    choices: tuple = ()
    digits: bool = False
    example: str = ""


@dataclass
class Row:
    number: int
    values: dict
    headers: dict  # field → the header as written in the file
    order: dict = field(default_factory=dict)  # header as written → its column position


@dataclass
class Report:
    """Counts and refused cells of one pass."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: list = field(default_factory=list)
    refused_rows: set = field(default_factory=set)
    # The first PREVIEW_ROWS rows created or updated: {row, outcome, label, changes: [[header,
    # before, after]]} — what the office checks before confirming (page only; not in the API body).
    preview: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "refused": [{k: item[k] for k in ("row", "column", "message")}
                            for item in self.refused]}


@dataclass
class Context:
    """What a kind's function needs: who, where, whether to write, and what the file held so far."""

    actor: User
    home: Home | None
    write: bool
    report: Report = field(default_factory=Report)
    seen: dict = field(default_factory=dict)  # key → row number, for duplicates within the file
    cache: dict = field(default_factory=dict)
    salt: str = ""
    new_account_ids: list = field(default_factory=list)
    canonical: dict = field(default_factory=dict)  # field → the template's header

    def refuse(self, row: Row, field_name: str, message: str) -> None:
        """Refuse a cell: {row, column (the header as written), message, name (the row's 姓名 or
        单位名称 as written, '' when blank: shown beside the row number; not in the API body)}."""
        column = row.headers.get(field_name) or self.canonical.get(field_name, "")
        self.report.refused.append({"row": row.number, "column": column, "message": message,
                                    "name": row.values.get("name", "")})
        self.report.refused_rows.add(row.number)

    def created(self, row: Row, label: str) -> None:
        """Count an accepted row that creates a record, and list it while the preview has room."""
        self.report.created += 1
        self._show(row, "created", label, [])

    def matched(self, row: Row, label: str, changed: dict, extra: list = ()) -> None:
        """Count a row matched to a stored record: `updated` when `changed` (field → (before,
        after), as `checks.apply_values` returns) or `extra` ([[header, before, after]]) holds
        anything, else `unchanged`."""
        if not changed and not extra:
            self.report.unchanged += 1
            return
        self.report.updated += 1
        changes = []
        for name, (before, after) in changed.items():
            if name.endswith("_id") and name[:-3] in self.canonical:  # e.g. unit_id ← 所属单位
                name, before = name[:-3], None
            changes.append([row.headers.get(name) or self.canonical.get(name, name),
                            _shown(before), row.values.get(name) or _shown(after)])
        self._show(row, "updated", label, changes + [list(item) for item in extra])

    def _show(self, row: Row, outcome: str, label: str, changes: list) -> None:
        if len(self.report.preview) < PREVIEW_ROWS:
            self.report.preview.append({"row": row.number, "outcome": outcome, "label": label,
                                        "changes": changes})


def _shown(value) -> str:
    """A stored value as the report shows it: an enum by its Chinese label, nothing as ''."""
    if value is None:
        return ""
    return str(getattr(value, "label", value))


def fold(value: str) -> str:
    """A text as it is compared: full-width ASCII (and the ideographic space) made ASCII, trimmed."""
    return value.translate(_FULL_WIDTH).strip() if isinstance(value, str) else value


def clean(value) -> str:
    """A cell as trimmed text, as written; whole numbers without '.0', dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value).strip()


def _cell(field_name: str, value) -> str:
    """A data cell: `clean`, and folded in the code-like columns (CODE_FIELDS)."""
    text = clean(value)
    return fold(text) if field_name in CODE_FIELDS else text


def _header_key(value) -> str:
    """Headers compare without spaces and without a required mark (`*`)."""
    return "".join(fold(clean(value)).split()).rstrip("*").strip()


def find_header(first_rows: list, columns: list[Column]):
    """(index of the header row, field → (column index, header as written)) or None."""
    required = {c.header for c in columns if c.required}
    by_header = {c.header: c for c in columns}
    for index, cells in enumerate(first_rows):
        found = {}
        for position, cell in enumerate(cells):
            column = by_header.get(_header_key(cell))
            if column is not None and column.field not in found:
                found[column.field] = (position, "" if cell is None else str(cell))
        if required <= {by_header_field(columns, f) for f in found}:
            return index, found
    return None


def by_header_field(columns: list[Column], field_name: str) -> str:
    return next(c.header for c in columns if c.field == field_name)


#: What a broken or hostile sheet raises while it is read: XML that does not parse (an undefined
#: entity, …: ParseError is a SyntaxError), and defusedxml's refusal of DTDs and entities (a ValueError
#: subclass; openpyxl uses defusedxml when it is installed: requirements.txt).
BROKEN_SHEET = (SyntaxError, ValueError, KeyError, TypeError)
BROKEN_MESSAGE = "文件不是有效的 Excel（.xlsx）工作簿，或含有不允许的内容（如 XML 实体）"


def check_archive(data: bytes) -> None:
    """Refuse a workbook over the bounds with 413, before openpyxl opens it: its unpacked size and
    number of parts from the zip's directory, then the rows of every worksheet counted in its
    unpacked XML (blank ones included: openpyxl would walk them all just to size the sheet).
    zipfile stops a member at its declared size, so a lying directory gains nothing; a zip that
    cannot be listed is left to openpyxl (which refuses it)."""
    try:
        archive = ZipFile(BytesIO(data))
    except (BadZipFile, ValueError, OSError):
        return
    with archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        if len(members) > MAX_MEMBERS or unpacked > MAX_UNCOMPRESSED:
            raise PayloadTooLarge(f"文件解压后超过{MAX_UNCOMPRESSED // (1024 * 1024)} MB，"
                                  "请删除多余的内容或拆分后分批导入")
        sheets = [m for m in members
                  if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")]
        if any(_rows_in(archive, sheet) > MAX_ROWS + HEADER_SEARCH_ROWS for sheet in sheets):
            raise PayloadTooLarge(f"工作表超过{MAX_ROWS}行（空行也计入），"
                                  "请删除空行或拆分后分批导入")


def _rows_in(archive: ZipFile, member) -> int:
    """How many <row> elements a worksheet's XML holds (streamed; 0 when it cannot be read)."""
    count, tail = 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1024 * 1024):
                window = tail + chunk
                count += len(_ROW_TAG.findall(window))
                tail = window[-16:]
                count -= len(_ROW_TAG.findall(tail))  # counted again with the next chunk
    except (BadZipFile, ValueError, OSError, NotImplementedError):
        return 0
    return count + len(_ROW_TAG.findall(tail))  # the last chunk's tail is not read again


def open_sheet(data: bytes):
    """The first worksheet of an .xlsx, read-only; 422 naming `file` when it is not one, 413 when
    it unpacks to more than the bounds (check_archive)."""
    check_archive(data)
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, OSError, *BROKEN_SHEET) as error:
        raise ValidationFailed({"file": [BROKEN_MESSAGE]}) from error
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()  # some writers record a wrong size: read what is there
    return workbook, sheet


def read_rows(data: bytes, columns: list[Column]):
    """Yield Row for every non-blank data row of the first sheet (streamed).

    Raises ValidationFailed when no header row is found in the first 10 rows, PayloadTooLarge past
    MAX_ROWS rows after the header, blank ones included (a sheet of a million blank rows is
    refused after 20,000 of them, not read to its end).
    """
    workbook, sheet = open_sheet(data)
    try:
        rows = sheet.iter_rows(min_row=1, values_only=True)
        first = []
        for cells in rows:
            first.append(cells)
            if len(first) == HEADER_SEARCH_ROWS:
                break
        header = find_header(first, columns)
        if header is None:
            names = "、".join(c.header for c in columns if c.required)
            raise ValidationFailed({"file": [f"前{HEADER_SEARCH_ROWS}行中未找到表头，表头须包含：{names}"]})
        header_index, found = header
        headers = {f: written for f, (_pos, written) in found.items()}
        positions = [(f, pos) for f, (pos, _w) in found.items()]
        order = {written: pos for _f, (pos, written) in found.items()}

        def parsed(number, cells):
            values = {f: _cell(f, cells[pos]) if pos < len(cells) else "" for f, pos in positions}
            return Row(number, values, headers, order) if any(values.values()) else None

        buffered = ((i + 1, cells) for i, cells in enumerate(first) if i > header_index)
        tail = ((number, cells) for number, cells in enumerate(rows, start=len(first) + 1))
        for source in (buffered, tail):
            for number, cells in source:
                if number - (header_index + 1) > MAX_ROWS:
                    raise PayloadTooLarge(f"表头以下超过{MAX_ROWS}行（空行也计入），"
                                          "请删除空行或拆分后分批导入")
                row = parsed(number, cells)
                if row is not None:
                    yield row
    except BROKEN_SHEET as error:
        raise ValidationFailed({"file": [BROKEN_MESSAGE]}) from error
    finally:
        workbook.close()


def chunks(rows, size=CHUNK):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
