"""The filters every activity list page shares (my activities, the Home's and the province's
activities): status, theme, year and a keyword, read from the query string.

Unknown or out-of-range values are ignored (the list shows unfiltered), as a filter form can only
send valid ones; the keyword goes through services.activities (search.py).
"""
from datetime import date

from flask import request

from models import Activity
from models.enums import ActivityStatus, Theme
from services import activities
from services.clock import today


def apply(stmt):
    """(stmt narrowed by ?status=&theme=&year=&q=, the values for the form) — a dict with
    status, theme, year (strings as sent, '' when unused), q (normalised) and years (the last ten)."""
    status = request.args.get("status", "")
    if status in ActivityStatus.values():
        stmt = stmt.where(Activity.status == status)
    else:
        status = ""
    theme = request.args.get("theme", "")
    if theme in Theme.values():
        stmt = stmt.where(Activity.theme == theme)
    else:
        theme = ""
    year = request.args.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        stmt = stmt.where(Activity.date >= date(int(year), 1, 1),
                          Activity.date <= date(int(year), 12, 31))
    else:
        year = ""
    q = activities.normalize(request.args.get("q"))
    stmt = activities.filter_activities(stmt, q)
    return stmt, {"status": status, "theme": theme, "year": year, "q": q,
                  "years": range(today().year, 1999, -1)[:10]}
