"""Home manager pages: verification queue, representatives, accounts, appeals."""
from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from blueprints.manage import routes  # noqa: E402,F401
