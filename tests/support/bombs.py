"""Oversized inputs made on the spot for the bounded-resources tests: spreadsheets whose zip is
small but whose content is not, and images whose header declares more pixels than they should."""
import zlib
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile

from PIL import Image

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?>'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8"?>'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                  '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<sheetData>')
_SHEET_TAIL = '</sheetData></worksheet>'


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _workbook(sheet_chunks) -> bytes:
    """A minimal valid .xlsx whose sheet XML is the concatenation of `sheet_chunks` (streamed, so
    a sheet of hundreds of megabytes is never held whole)."""
    out = BytesIO()
    with ZipFile(out, "w", ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for chunk in sheet_chunks:
                sheet.write(chunk.encode())
    return out.getvalue()


def header_row(headers) -> str:
    cells = "".join(_cell(f"{chr(65 + i)}1", h) for i, h in enumerate(headers))
    return f'<row r="1">{cells}</row>'


def xlsx_with_huge_cell(headers, megabytes: int = 300) -> bytes:
    """The header, then one row whose first cell holds `megabytes` MB of 'x' (a ~300 KB file)."""
    def chunks():
        yield _SHEET_HEAD + header_row(headers) + '<row r="2"><c r="A2" t="inlineStr"><is><t>'
        block = "x" * (1024 * 1024)
        for _ in range(megabytes):
            yield block
        yield "</t></is></c></row>" + _SHEET_TAIL
    return _workbook(chunks())


def xlsx_with_blank_rows(headers, blank_rows: int = 900_000, data_row=None) -> bytes:
    """The header, `blank_rows` empty rows, then one data row (optional) at the very end."""
    def chunks():
        yield _SHEET_HEAD + header_row(headers)
        batch = []
        for number in range(2, blank_rows + 2):
            batch.append(f'<row r="{number}"/>')
            if len(batch) == 10_000:
                yield "".join(batch)
                batch = []
        yield "".join(batch)
        if data_row:
            number = blank_rows + 2
            cells = "".join(_cell(f"{chr(65 + i)}{number}", v) for i, v in enumerate(data_row))
            yield f'<row r="{number}">{cells}</row>'
        yield _SHEET_TAIL
    return _workbook(chunks())


def png_declaring(width: int, height: int) -> bytes:
    """A real, valid PNG of width × height pixels, all white, compressed to a few hundred KB (the
    12,000 × 12,000 of the probe: 144 megapixels in ~410 KB)."""
    import struct

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    raw_row = b"\x00" + b"\xff" * width  # filter 0, grayscale 8-bit
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(raw_row) for _ in range(height)]
    parts.append(compressor.flush())
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"".join(parts))
            + chunk(b"IEND", b""))


def small_png(size=(64, 48), color=(200, 30, 30), mode="RGB") -> bytes:
    out = BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()
