"""Representative pages: 我的, activities, sci-tech workers, contacts, appeals."""
from flask import Blueprint

bp = Blueprint("rep", __name__, url_prefix="/me")

from blueprints.rep import routes  # noqa: E402,F401
