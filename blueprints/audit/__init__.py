"""The audit administrator (审计管理员, SPEC §5.13): the audit log, filtered, paged and exported."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from blueprints.audit import routes  # noqa: E402,F401
