"""The A4 sign-in poster (SPEC §5.9): the QR code, the activity's title, its date and place, and
the short address to type, for the door of the room.

QR codes are made by segno (pure Python) and drawn module by module, so no image library is
needed. Chinese text uses the font `poster_font()` registers: the one place to change when the
shared embedded-font module replaces reportlab's built-in STSong-Light CID font (services/appeals/
cards.py uses the same font today).
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
    """Register the font for the poster's Chinese text and answer its name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    return font


def _fit(pdf, text: str, font: str, size: float, max_width: float) -> float:
    """The largest size ≤ `size` at which `text` fits in `max_width` (not below 9 pt)."""
    while size > 9 and pdf.stringWidth(text, font, size) > max_width:
        size -= 0.5
    return size


def _lines(pdf, text: str, font: str, size: float, max_width: float, limit: int = 3) -> list[str]:
    """`text` broken into at most `limit` lines of `max_width` (character by character: Chinese
    has no spaces to break at); the last line ends with … when cut."""
    lines, line = [], ""
    for ch in text:
        if pdf.stringWidth(line + ch, font, size) > max_width:
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

    font = poster_font()
    buf = BytesIO()
    width, height = A4
    margin = 56
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"活动签到 · {poster.title}")
    pdf.setAuthor("科协代表之家服务平台")
    pdf.setFillColorRGB(0.05, 0.25, 0.5)
    pdf.rect(0, height - 96, width, 96, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.setFont(font, 30)
    pdf.drawCentredString(width / 2, height - 62, "活 动 签 到")
    pdf.setFillColorRGB(0, 0, 0)
    y = height - 150
    for line in _lines(pdf, poster.title, font, 24, width - 2 * margin):
        pdf.setFont(font, 24)
        pdf.drawCentredString(width / 2, y, line)
        y -= 32
    details = f"{poster.day.year}年{poster.day.month}月{poster.day.day}日"
    if poster.location:
        details += f" · {poster.location}"
    pdf.setFont(font, _fit(pdf, details, font, 15, width - 2 * margin))
    pdf.drawCentredString(width / 2, y, details)
    y -= 22
    pdf.setFont(font, _fit(pdf, poster.home_name, font, 13, width - 2 * margin))
    pdf.drawCentredString(width / 2, y, poster.home_name)
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
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, y, "请用手机扫码签到（无需注册）")
    y -= 30
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, y, "无法扫码时，请在手机浏览器中输入以下地址：")
    y -= 26
    pdf.setFont("Helvetica-Bold", _fit(pdf, poster.url, "Helvetica-Bold", 20, width - 2 * margin))
    pdf.drawCentredString(width / 2, y, poster.url)
    y -= 24
    pdf.setFont(font, 12)
    pdf.drawCentredString(width / 2, y, f"签到码：{poster.code}")
    pdf.setFont(font, 9)
    pdf.setFillColorRGB(0.35, 0.35, 0.35)
    pdf.drawCentredString(width / 2, 40, "签到信息仅用于本次活动的签到统计和代表联系"
                                         "科技工作者情况，详见签到页说明。")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
