"""Sign-in pages (活动签到, SPEC §5.9), audiences inside: `manage.py` for the people who run an
activity (open and close, the QR code and the A4 poster, the attendance list with its Excel
export, 代签), `door.py` for anyone at the door (/s/{code}, phone-first, no login). Templates:
templates/signin/. `panel.py` gives the activity page, the queue and the 台账 their small hooks
(template globals)."""
from flask import Blueprint

bp = Blueprint("signin", __name__)
public_bp = Blueprint("signin_public", __name__)

from blueprints.signin import door, manage, panel  # noqa: E402,F401
