"""The in-app notification centre."""
from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from blueprints.notifications import routes  # noqa: E402,F401
