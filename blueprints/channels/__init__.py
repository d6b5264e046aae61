"""Group robots (企业微信 / 钉钉) of a Home (its managers, provincial admins) and of the office
(provincial admins): settings, a test message, and what was sent lately."""
from flask import Blueprint

bp = Blueprint("channels", __name__, url_prefix="/channels")

from blueprints.channels import routes  # noqa: E402,F401
