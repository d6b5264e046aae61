"""The security administrator (安全管理员, SPEC §5.13): lock state, second factors, sessions, settings."""
from flask import Blueprint

bp = Blueprint("security", __name__, url_prefix="/security")

from blueprints.security import routes  # noqa: E402,F401
