"""履职档案 and 台账 pages: a representative's annual record (SPEC §5.7) and a Home's activity ledger,
each as a page, a print view (A4, no navigation) and a Word document."""
from flask import Blueprint

bp = Blueprint("records", __name__, url_prefix="/records")

from blueprints.records import routes  # noqa: E402,F401
