"""The system administrator (系统管理员, SPEC §5.13): administrator accounts and jobs run by hand."""
from flask import Blueprint

bp = Blueprint("sysadmin", __name__, url_prefix="/sysadmin")

from blueprints.sysadmin import routes  # noqa: E402,F401
