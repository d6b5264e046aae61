"""A Home's basic conditions: profile, yearly plans and funding, service team."""
from flask import Blueprint

bp = Blueprint("homes", __name__, url_prefix="/home")

from blueprints.homes import routes  # noqa: E402,F401
