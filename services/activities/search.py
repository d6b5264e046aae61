"""Keyword search over activities (title, summary, organiser's name), combined with any filters.

Chinese is written without spaces, so word-based full-text search (PostgreSQL's `to_tsvector`)
would take 党建带科建联动 as one word and never find 党建. A substring match finds it:
`ILIKE '%党建%'`, served on PostgreSQL by pg_trgm GIN indexes on title and summary (declared on
models.Activity, PostgreSQL only) for patterns of three or more characters; shorter ones scan the
rows the other filters already narrowed. A keyword without cased letters uses LIKE (case cannot
differ), others ILIKE; SQLite's LIKE is case-insensitive for ASCII, as ILIKE is.

The keyword is trimmed, inner runs of white space collapse to one space, and it is cut to
`MAX_LENGTH` characters; `%`, `_` and `\\` match themselves (escaped).
"""
import re

import sqlalchemy as sa

from extensions import db
from models import Activity, User
from models.enums import Role

MAX_LENGTH = 50
_SPACES = re.compile(r"\s+")


def normalize(q: str | None) -> str:
    """The keyword as searched: trimmed, single-spaced, at most MAX_LENGTH characters; '' if none."""
    if not q or not isinstance(q, str):
        return ""
    return _SPACES.sub(" ", q).strip()[:MAX_LENGTH]


def _pattern(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matcher(q: str):
    """LIKE for a keyword with no cased letters (Chinese, digits: case cannot differ, and LIKE is
    cheaper than ILIKE), ILIKE otherwise; both are served by the trigram indexes."""
    pattern = _pattern(q)
    if q.lower() == q.upper():
        return lambda column: column.like(pattern, escape="\\")
    return lambda column: column.ilike(pattern, escape="\\")


def activity_keyword_clause(q: str | None):
    """A WHERE clause matching activities whose title, summary or organiser's name contains `q`;
    None when there is no keyword (callers then add nothing).

    The organisers whose names match are looked up first (one statement), so that the clause is
    an OR of three indexable conditions: PostgreSQL combines the trigram indexes of title and
    summary with the organiser index in one bitmap scan, which an IN (subquery) would prevent.
    """
    q = normalize(q)
    if not q:
        return None
    match = _matcher(q)
    organiser_ids = db.session.scalars(
        sa.select(User.id).where(User.role.in_((Role.REPRESENTATIVE, Role.HOME_MANAGER)),
                                 match(User.name))).all()
    conditions = [match(Activity.title), match(Activity.summary)]
    if organiser_ids:
        conditions.append(Activity.organizer_id.in_(organiser_ids))
    return sa.or_(*conditions)


def filter_activities(stmt, q: str | None):
    """`stmt` (a select of Activity) narrowed to the keyword, or unchanged without one."""
    clause = activity_keyword_clause(q)
    return stmt if clause is None else stmt.where(clause)
