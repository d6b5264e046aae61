"""Dashboards of the province, a Home and a representative."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from blueprints.dashboard import assets, routes  # noqa: E402,F401
