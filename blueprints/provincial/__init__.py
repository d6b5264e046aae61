"""Provincial office pages: rounds, review queue, Homes and validity, assessments."""
from flask import Blueprint

bp = Blueprint("provincial", __name__, url_prefix="/province")

from blueprints.provincial import appeals, objections, routes  # noqa: E402,F401
