"""代表码 QR codes and printable cards (SPEC §5.5): an SVG for the page, a PDF card to print.

QR codes are made by segno (pure Python). Cards are PDF pages drawn by reportlab with its built-in
STSong-Light CID font, so Chinese prints without shipping a font file. A card holds the platform's
title, the representative's name and level, the Home, the QR code and the address under it.
"""
from dataclasses import dataclass
from io import BytesIO

import segno
import sqlalchemy as sa

from extensions import db
from models import User
from models.enums import Role


@dataclass(frozen=True)
class Card:
    """One printable card: who, where, and the URL of their public page."""

    name: str
    level: str
    home_name: str
    url: str


def qr(url: str):
    """The QR code of a URL (error correction M: a wall card may get scratched)."""
    return segno.make(url, error="m", micro=False)


def qr_svg(url: str, scale: int = 5) -> str:
    """The QR code as an inline <svg> element (no XML declaration), dark on white."""
    return qr(url).svg_inline(scale=scale, border=2, title="代表码", dark="#000", light="#fff")


def card_representatives(home_id: int) -> list[User]:
    """The Home's active representatives with a code, by name — one query."""
    return list(db.session.scalars(
        sa.select(User).options(sa.orm.joinedload(User.home))
        .where(User.home_id == home_id, User.role == Role.REPRESENTATIVE,
               User.active.is_(True), User.public_code.is_not(None))
        .order_by(User.name_key, User.id)))


def cards_pdf(cards: list[Card]) -> bytes:
    """A PDF of A6 cards (one per page) — for one representative or all of a Home's at once."""
    from reportlab.lib.pagesizes import A6
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    buf = BytesIO()
    width, height = A6
    pdf = canvas.Canvas(buf, pagesize=A6, pageCompression=1)
    pdf.setTitle("代表码名片")
    pdf.setAuthor("科协代表之家服务平台")
    if not cards:
        pdf.setFont(font, 12)
        pdf.drawCentredString(width / 2, height / 2, "没有可打印的代表码")
        pdf.showPage()
    for card in cards:
        _draw_card(pdf, card, font, width, height)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _fit(pdf, text: str, font: str, size: float, max_width: float) -> float:
    """The largest size ≤ `size` at which `text` fits in `max_width`."""
    while size > 6 and pdf.stringWidth(text, font, size) > max_width:
        size -= 0.5
    return size


def _draw_card(pdf, card: Card, font: str, width: float, height: float) -> None:
    margin = 18
    pdf.setFillColorRGB(0.05, 0.25, 0.5)
    pdf.rect(0, height - 46, width, 46, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    pdf.setFont(font, 14)
    pdf.drawCentredString(width / 2, height - 30, "科协代表之家 · 代表码")
    pdf.setFillColorRGB(0, 0, 0)
    y = height - 76
    name = f"{card.name}（{card.level}代表）" if card.level else card.name
    pdf.setFont(font, _fit(pdf, name, font, 18, width - 2 * margin))
    pdf.drawCentredString(width / 2, y, name)
    y -= 22
    pdf.setFont(font, _fit(pdf, card.home_name, font, 11, width - 2 * margin))
    pdf.drawCentredString(width / 2, y, card.home_name)
    # The QR code, drawn module by module (no image library needed).
    code = qr(card.url)
    rows = list(code.matrix_iter(scale=1, border=2))
    side = min(width - 2 * margin, 190)
    module = side / len(rows)
    left = (width - side) / 2
    top = y - 14
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(left + c * module, top - (r + 1) * module, module, module,
                         stroke=0, fill=1)
    y = top - side - 18
    pdf.setFont(font, 11)
    pdf.drawCentredString(width / 2, y, "扫码向代表反映诉求、提出建议")
    y -= 16
    pdf.setFont("Helvetica", _fit(pdf, card.url, "Helvetica", 8, width - 2 * margin))
    pdf.drawCentredString(width / 2, y, card.url)
