"""Applications (申报) of a host unit and the Word 申报书."""
from flask import Blueprint

bp = Blueprint("applications", __name__, url_prefix="/applications")

from blueprints.applications import routes  # noqa: E402,F401
