"""The A4 sign-in poster (SPEC §5.9): the QR code, the activity's title, its date and place, and
the short address to type, for the door of the room.

QR codes are made by segno (pure Python) and drawn module by module, so no image library is
needed. Every piece of text goes through `_draw` and `_width`, i.e. services/fonts.py: embedded
TrueType subsets of the CJK font chain, characters beyond the BMP included (a character no font has
is drawn as a box and logged). Raises FontsMissing (503) when no CJK font is installed.
"""
from dataclasses import dataclass
from datetime import date
from io import BytesIO

import segno

from services import fonts


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


def _width(pdf, text: str, size: float) -> float:
    """The width of `text` at `size` points, as `_draw` draws it."""
    return fonts.text_width(text, size)


def _draw(pdf, x: float, y: float, text: str, size: float) -> None:
    """`text` centred on `x` at baseline `y`, `size` points (services/fonts.py)."""
    fonts.draw_text(pdf, x, y, text, size, align="center")


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

    buf = BytesIO()
    width, height = A4
    centre, margin = A4[0] / 2, 56
    pdf = fonts.new_canvas(buf, A4, pageCompression=1)
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
