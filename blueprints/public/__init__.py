"""Public pages without login: recognised Homes, published results, activity reports."""
from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/public")

from blueprints.public import reports, routes  # noqa: E402,F401
