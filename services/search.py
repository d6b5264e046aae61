"""Keyword search over activities (title, summary, organiser's name), combined with any filters.

Chinese is written without spaces, so word-based full-text search (PostgreSQL's `to_tsvector`)
would take 党建带科建联动 as one word and never find 党建. A substring match finds it:
`ILIKE '%党建%'`, served on PostgreSQL by pg_trgm GIN indexes on title and summary (migration
0003_search) for patterns of three or more characters; shorter ones scan the rows the other filters
already narrowed. SQLite's LIKE is case-insensitive for ASCII, as ILIKE is.

The keyword is trimmed, inner runs of white space collapse to one space, and it is cut to
`MAX_LENGTH` characters; `%`, `_` and `\\` match themselves (escaped).
"""
import re

import sqlalchemy as sa

from models import Activity, User

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


def activity_keyword_clause(q: str | None):
    """A WHERE clause matching activities whose title, summary or organiser's name contains `q`;
    None when there is no keyword (callers then add nothing)."""
    q = normalize(q)
    if not q:
        return None
    pattern = _pattern(q)
    organisers = sa.select(User.id).where(User.name.ilike(pattern, escape="\\"))
    return sa.or_(Activity.title.ilike(pattern, escape="\\"),
                  Activity.summary.ilike(pattern, escape="\\"),
                  Activity.organizer_id.in_(organisers))


def filter_activities(stmt, q: str | None):
    """`stmt` (a select of Activity) narrowed to the keyword, or unchanged without one."""
    clause = activity_keyword_clause(q)
    return stmt if clause is None else stmt.where(clause)


__all__ = ["MAX_LENGTH", "activity_keyword_clause", "filter_activities", "normalize"]
