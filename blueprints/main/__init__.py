"""The landing page: each role is sent to where its work is."""
from flask import Blueprint

bp = Blueprint("main", __name__, url_prefix=None)

from blueprints.main import routes  # noqa: E402,F401
