"""Login and logout."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix=None)

from blueprints.auth import forgotten, routes  # noqa: E402,F401
