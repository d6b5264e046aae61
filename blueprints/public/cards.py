"""Printable 代表码 cards (PDF): one representative's, or all of a Home's at once.

Access: a representative prints their own card (another's: 404); a manager prints the cards of
their Home's representatives, one or all (another Home's: 404); a provincial admin prints any.
A representative asking for a Home's cards gets 403.
"""
from io import BytesIO

from flask import send_file
from flask_login import current_user, login_required

from blueprints.decorators import roles_required
from blueprints.public import qr_bp as bp
from blueprints.public.qr import page_url
from blueprints.web.exports import log_export
from models import Home, User
from models.enums import Role
from services import appeals
from services.errors import NotFound
from services.scope import get_scoped


def _card(rep: User) -> appeals.Card:
    return appeals.Card(name=rep.name, level=rep.level.label if rep.level else "",
                             home_name=rep.home.name if rep.home else "",
                             url=page_url(rep.public_code))


def _pdf(data: bytes, filename: str):
    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=filename)


@bp.route("/cards/representatives/<int:user_id>.pdf")
@login_required
def representative_card(user_id):
    """One representative's card."""
    rep = get_scoped(User, user_id, current_user)
    if rep.role != Role.REPRESENTATIVE or not rep.active or not rep.public_code:
        raise NotFound()
    data = appeals.cards_pdf([_card(rep)])
    log_export("代表码卡片（PDF）", 1, object_type="users", object_id=rep.id)
    return _pdf(data, f"代表码-{rep.name}.pdf")


@bp.route("/cards/homes/<int:home_id>.pdf")
@roles_required(Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
def home_cards(home_id):
    """All active representatives' cards of a Home, one PDF (a card per page)."""
    home = get_scoped(Home, home_id, current_user)
    reps = appeals.card_representatives(home.id)
    data = appeals.cards_pdf([_card(r) for r in reps])
    log_export("代表码卡片（PDF）", len(reps), object_type="homes", object_id=home.id)
    return _pdf(data, f"代表码-{home.name}.pdf")
