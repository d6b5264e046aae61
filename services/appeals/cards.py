"""代表码 QR codes and printable cards (SPEC §5.5): an SVG for the page, a PDF card to print.

QR codes are made by segno (pure Python). Cards are PDF pages drawn by reportlab, their text in
embedded TrueType subsets of the CJK font chain of services/fonts.py (so they print as they look,
characters beyond the BMP included). A card holds the platform's title, the representative's name and
level, the Home, the QR code and the address under it (PUBLIC_BASE_URL, services/urls.py).
"""
from dataclasses import dataclass
from io import BytesIO

import segno
import sqlalchemy as sa

from extensions import db
from models import User
from models.enums import Role
from services import fonts


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
    """A PDF of A6 cards (one per page) — for one representative or all of a Home's at once.

    Every piece of text is in embedded TrueType subsets (services/fonts.py); a character no font has
    is drawn as a box and logged. Raises FontsMissing (503) when no CJK font is installed.
    """
    from reportlab.lib.pagesizes import A6

    buf = BytesIO()
    width, height = A6
    pdf = fonts.new_canvas(buf, A6, pageCompression=1)
    pdf.setTitle("代表码名片")
    pdf.setAuthor("科协代表之家服务平台")
    if not cards:
        fonts.draw_text(pdf, width / 2, height / 2, "没有可打印的代表码", 12, align="center")
        pdf.showPage()
    for card in cards:
        _draw_card(pdf, card, width, height)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _line(pdf, text: str, y: float, size: float, width: float, margin: float) -> None:
    """One centred line, shrunk to fit between the margins."""
    fonts.draw_text(pdf, width / 2, y, text, fonts.fit_size(text, size, width - 2 * margin),
                    align="center")


def _draw_card(pdf, card: Card, width: float, height: float) -> None:
    margin = 18
    pdf.setFillColorRGB(0.05, 0.25, 0.5)
    pdf.rect(0, height - 46, width, 46, stroke=0, fill=1)
    pdf.setFillColorRGB(1, 1, 1)
    fonts.draw_text(pdf, width / 2, height - 30, "科协代表之家 · 代表码", 14, align="center")
    pdf.setFillColorRGB(0, 0, 0)
    y = height - 76
    name = f"{card.name}（{card.level}代表）" if card.level else card.name
    _line(pdf, name, y, 18, width, margin)
    y -= 22
    _line(pdf, card.home_name, y, 11, width, margin)
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
    fonts.draw_text(pdf, width / 2, y, "扫码向代表反映诉求、提出建议", 11, align="center")
    y -= 16
    _line(pdf, card.url, y, 8, width, margin)
