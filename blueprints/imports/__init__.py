"""Excel import pages: upload → dry run report → confirm → result; templates, refused rows, codes."""
from flask import Blueprint

bp = Blueprint("imports", __name__, url_prefix="/imports")

from blueprints.imports import routes  # noqa: E402,F401
