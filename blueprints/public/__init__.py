"""Public pages without login: recognised Homes, published results, activity reports; and the
代表码 pages (/r/{code}, /track) with the printable cards, on a blueprint without a prefix."""
from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/public")
qr_bp = Blueprint("qr", __name__)

from blueprints.public import cards, objections, qr, reports, routes  # noqa: E402,F401
