"""经费奖补 pages for the provincial office (SPEC §5.12): the year's rates form, the list of Homes
whose result stands with amounts and totals, pay and reverse (红冲) actions, the Excel list for the
finance office and a Word 拨付通知 per Home (routes.py; exports.py)."""
from flask import Blueprint

bp = Blueprint("subsidies", __name__, url_prefix="/subsidies")

from blueprints.subsidies import exports, routes  # noqa: E402,F401
