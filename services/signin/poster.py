"""The A4 sign-in poster (SPEC §5.9): the QR code, the activity's title, its date and place, and
the short address to type, for the door of the room.

QR codes are made by segno (pure Python) and drawn module by module, so no image library is
needed. Every piece of text goes through `_draw` and `_width` in the font `poster_font()` registers
(reportlab's built-in STSong-Light CID font, as services/appeals/cards.py uses today): the one place
to change when the shared embedded-font module takes over.
"""
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import segno


@dataclass(frozen=True)
class Poster:
    """What the poster prints."""

    title: str
    day: date
    location: str
    home_name: str
    url: str
    code: str


def qr(url: str):
    """The QR code of a URL (error correction M: a poster on a door gets creased)."""
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, scale: int = 6) -> str:
    """The QR code as an inline <svg> element, dark on white (shown on the activity page)."""
    return qr(url).svg_inline(scale=scale, border=2, title="签到二维码", dark="#000", light="#fff")


def poster_font() -> str:
    """Register the font for the poster's Chinese text and answer its name.

    One of the three font seams of this module (with `_width` and `_draw`): the shared embedded
    CJK font module replaces them at once (its `new_canvas`, `text_width`, `draw_text`)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    return font


def _width(pdf, text: str, size: float) -> float:
    """The width of `text` at `size` points in the poster's font."""
    return pdf.stringWidth(text, poster_font(), size)


def _draw(pdf, x: float, y: float, text: str, size: float) -> None:
    """`text` centred on `x` at baseline `y`, `size` points, in the poster's font."""
    pdf.setFont(poster_font(), size)
    pdf.drawCentredString(x, y, text)


def _fit(pdf, text: str, size: float, max_width: float) -> float:
    """The largest size ≤ `size` at which `text` fits in `max_width` (not below 9 pt)."""
    while size > 9 and _width(pdf, text, size) > max_width:
        size -= 0.5
    return size


def _lines(pdf, text: str, size: float, max_width: float, limit: int = 3) -> list[str]:
    """`text` broken into at most `limit` lines of `max_width` (character by character: Chinese
    has no spaces to break at); the last line ends with … when cut."""
    lines, line = [], ""
    for ch in text:
        if _width(pdf, line + ch, size) > max_width:
            lines.append(line)
            line = ch
            if len(lines) == limit:
                lines[-1] = lines[-1][:-1] + "…"
                return lines
        else:
            line += ch
    if line:
        lines.append(line)
    return lines


def poster_pdf(poster: Poster) -> bytes:
    """The poster as the bytes of a one-page A4 PDF."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = BytesIO()
    width, height = A4
    centre, margin = A4[0] / 2, 56
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"活动签到 · {poster.title}")
    pdf.setAuthor("科协代表之家服务平台")
    pdf.setFillColorRGB(0.05, 0.25, 0.5)
    pdf.rect(0, height - 96, width, 96, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    _draw(pdf, centre, height - 62, "活 动 签 到", 30)
    pdf.setFillColorRGB(0, 0, 0)
    y = height - 150
    for line in _lines(pdf, poster.title, 24, width - 2 * margin):
        _draw(pdf, centre, y, line, 24)
        y -= 32
    details = f"{poster.day.year}年{poster.day.month}月{poster.day.day}日"
    if poster.location:
        details += f" · {poster.location}"
    _draw(pdf, centre, y, details, _fit(pdf, details, 15, width - 2 * margin))
    y -= 22
    _draw(pdf, centre, y, poster.home_name, _fit(pdf, poster.home_name, 13, width - 2 * margin))
    rows = list(qr(poster.url).matrix_iter(scale=1, border=2))
    side = 300
    module = side / len(rows)
    left = (width - side) / 2
    top = y - 24
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(left + c * module, top - (r + 1) * module, module, module, stroke=0, fill=1)
    y = top - side - 34
    _draw(pdf, centre, y, "请用手机扫码签到（无需注册）", 18)
    y -= 30
    _draw(pdf, centre, y, "无法扫码时，请在手机浏览器中输入以下地址：", 12)
    y -= 26
    _draw(pdf, centre, y, poster.url, _fit(pdf, poster.url, 20, width - 2 * margin))
    y -= 24
    _draw(pdf, centre, y, f"签到码：{poster.code}", 12)
    pdf.setFillColorRGB(0.35, 0.35, 0.35)
    _draw(pdf, centre, 40, "签到信息仅用于本次活动的签到统计和代表联系科技工作者情况，详见签到页说明。", 9)
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
