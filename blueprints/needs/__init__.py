"""需求对接 pages (SPEC §5.11): the public form /needs/new, its receipt and the tracking page with
the rating (public.py, blueprint `need_public`, no login); the queue, a need's page with the
office's dispatch and decline, the manager's assignment with suggestions and return, and the
figures' Excel export (office.py, blueprint `needs`)."""
from flask import Blueprint

bp = Blueprint("needs", __name__, url_prefix="/needs")
public_bp = Blueprint("need_public", __name__)

from blueprints.needs import office, public  # noqa: E402,F401
