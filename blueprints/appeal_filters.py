"""The filters the appeal lists share (a Home's, for its manager; the province's, read-only for
the office): status, category, a keyword and a state — `open` (已受理 or 已转办) or `overdue`
(open and received more than APPEAL_OVERDUE_DAYS days ago, services.todo) — from the query string.

Unknown values are ignored (the list shows unfiltered), as the forms and links send valid ones.
"""
import sqlalchemy as sa
from flask import request

from models import Appeal
from models.enums import AppealCategory, AppealStatus
from services import todo

STATES = {"open": "未办结", "overdue": "超期未办结"}


def apply(stmt):
    """(stmt narrowed by ?status=&category=&q=&state= and ordered open first, newest first,
    the values for the form) — a dict with status, category, q and state ('' when unused), and
    overdue_before / overdue_days for marking each overdue appeal 超期."""
    status = request.args.get("status", "")
    if status in AppealStatus.values():
        stmt = stmt.where(Appeal.status == status)
    else:
        status = ""
    category = request.args.get("category", "")
    if category in AppealCategory.values():
        stmt = stmt.where(Appeal.category == category)
    else:
        category = ""
    q = request.args.get("q", "").strip()
    if q:
        stmt = stmt.where(Appeal.content.ilike(f"%{q}%"))
    state = request.args.get("state", "")
    if state == "open":
        stmt = stmt.where(Appeal.status.in_(["received", "forwarded"]))
    elif state == "overdue":
        stmt = stmt.where(todo.overdue_clause())
    else:
        state = ""
    open_first = sa.case((Appeal.status.in_(["received", "forwarded"]), 0), else_=1)
    stmt = stmt.order_by(open_first, Appeal.created_at.desc(), Appeal.id.desc())
    return stmt, {"status": status, "category": category, "q": q, "state": state,
                  "states": STATES, "is_overdue": todo.is_overdue,
                  "overdue_before": todo.overdue_before(),
                  "overdue_days": todo.overdue_days()}
