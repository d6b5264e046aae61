"""科技工作者状况调查 pages (SPEC §5.10): the office's builder and list, codes and slips, results
with charts and completion (office.py, results.py), a representative's printable survey card
(results.py), and the public answering page on a phone (answer.py, blueprint `survey_public`,
no login)."""
from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
public_bp = Blueprint("survey_public", __name__)

from blueprints.surveys import answer, office, results  # noqa: E402,F401
