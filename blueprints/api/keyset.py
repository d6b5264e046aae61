"""Keyset pagination for API lists (SPEC §8 `?after=CURSOR`): a page costs the same at any depth.

A list's select is ordered by columns that end with a unique one (e.g. `date DESC, id DESC`).
The cursor is opaque to clients: URL-safe base64 of JSON `[list tag, [sort values of the last
item]]`. The next page is the rows strictly after those values in the list's order — a row
comparison `(date, id) < (:d, :i)` when every key runs the same way (an index on the keys serves
it), else the equivalent OR of prefixes. One SELECT per page (plus the list's eager loads), no
count, `per_page + 1` rows fetched to know whether there is a next page.

A cursor that cannot be decoded, belongs to another list or carries values of the wrong type or
out of their column's range answers 422 naming `after` — every part is checked here, once, before a
statement is built: integers within their column (int32, int64 for BigInteger), dates and
timestamps between 1900 and 2100 (a timestamp's offset applied: `9999-12-31T23:59:59-14:00` is
year 10000 in UTC), finite numbers, texts of at most MAX_TEXT characters without NUL or lone
surrogates, enum values among the enum's. An empty `after=` starts at the first item.
"""
import base64
import binascii
import enum
import json
import math
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from extensions import db
from services.errors import ValidationFailed

BAD_CURSOR = "翻页游标无效，请使用上一页返回的 next"
MAX_CURSOR = 4096  # characters of an `after=`: a handful of sort values
MAX_TEXT = 1000
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2101, 1, 1, tzinfo=UTC)
_INT_BOUNDS = {sa.SmallInteger: 2**15, sa.BigInteger: 2**63, sa.Integer: 2**31}


def _keys(stmt) -> list[tuple]:
    """(expression, descending) for each ORDER BY term of the select."""
    keys = []
    for clause in stmt._order_by_clauses:
        if isinstance(clause, UnaryExpression) and clause.modifier in (operators.desc_op,
                                                                       operators.asc_op):
            keys.append((clause.element, clause.modifier is operators.desc_op))
        else:
            keys.append((clause, False))
    if not keys:
        raise ValueError("keyset pagination needs an ordered select")
    return keys


def _tag(stmt) -> str:
    """Which list a cursor belongs to: the listed entity's table."""
    entity = stmt.column_descriptions[0].get("entity")
    return getattr(entity, "__tablename__", "") or "rows"


def _python_type(expr):
    kind = expr.type
    kind = getattr(kind, "impl_instance", kind)  # a TypeDecorator: its underlying type
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _encode_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, int | str):  # an Enum member
        return value.value
    return value


def _int_bound(expr) -> int:
    """|value| < bound for the column's integer type (int32 unless it says otherwise)."""
    kind = getattr(expr.type, "impl_instance", expr.type)
    for sql_type, bound in _INT_BOUNDS.items():  # SmallInteger, BigInteger before Integer
        if isinstance(kind, sql_type):
            return bound
    return 2**31


def _in_range(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if not EARLIEST <= aware.astimezone(UTC) < LATEST:  # astimezone may raise OverflowError
        raise ValueError
    return moment


def _decode_value(expr, raw):
    """One sort value of a cursor as its column takes it; ValueError when it is of another type
    or out of the column's range."""
    kind = _python_type(expr)
    if kind is datetime:
        if not isinstance(raw, str):
            raise ValueError
        return _in_range(datetime.fromisoformat(raw))
    if kind is date:
        if not isinstance(raw, str):
            raise ValueError
        day = date.fromisoformat(raw)
        _in_range(datetime(day.year, day.month, day.day, tzinfo=UTC))
        return day
    if kind is bool:
        if not isinstance(raw, bool):
            raise ValueError
        return raw
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError
        bound = _int_bound(expr)
        if not -bound <= raw < bound:
            raise ValueError
        return raw
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        if not any(raw == member.value for member in kind):
            raise ValueError
        return raw
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise ValueError
    if isinstance(raw, int) and not -(2**63) <= raw < 2**63:
        raise ValueError
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ValueError
    if isinstance(raw, str):
        if len(raw) > MAX_TEXT or "\x00" in raw:
            raise ValueError
        raw.encode("utf-8")  # a lone surrogate (json allows "\ud800") raises UnicodeEncodeError
    return raw


def encode(tag: str, values) -> str:
    text = json.dumps([tag, [_encode_value(v) for v in values]], separators=(",", ":"),
                      ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str, tag: str, keys) -> list:
    """The sort values a cursor carries; ValidationFailed naming `after` for anything else."""
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode())
        if (not isinstance(data, list) or len(data) != 2 or data[0] != tag
                or not isinstance(data[1], list) or len(data[1]) != len(keys)):
            raise ValueError
        return [_decode_value(expr, raw) for (expr, _), raw in zip(keys, data[1], strict=True)]
    except (ValueError, TypeError, OverflowError, RecursionError, UnicodeError, binascii.Error):
        raise ValidationFailed({"after": [BAD_CURSOR]}) from None


def _after(keys, values):
    """The condition `row comes after values` in the order of `keys`."""
    params = [sa.bindparam(None, value, type_=expr.type) for (expr, _), value in
              zip(keys, values, strict=True)]
    directions = {desc for _, desc in keys}
    if len(keys) == 1 or len(directions) == 1:
        left = sa.tuple_(*(expr for expr, _ in keys)) if len(keys) > 1 else keys[0][0]
        right = sa.tuple_(*params) if len(keys) > 1 else params[0]
        return left < right if keys[0][1] else left > right
    ors = []
    for i, (expr, desc) in enumerate(keys):
        prefix = [keys[j][0] == params[j] for j in range(i)]
        ors.append(sa.and_(*prefix, expr < params[i] if desc else expr > params[i]))
    return sa.or_(*ors)


def page_after(stmt, cursor: str, per_page: int, dump) -> dict:
    """{items, next, per_page}: the `per_page` rows after `cursor` ('' = from the start) in the
    select's order; `next` is the cursor of the last item, null when nothing follows."""
    keys = _keys(stmt)
    tag = _tag(stmt)
    if cursor:
        stmt = stmt.where(_after(keys, decode(cursor, tag, keys)))
    stmt = stmt.add_columns(*(expr.label(f"_keyset_{i}") for i, (expr, _) in enumerate(keys)))
    rows = db.session.execute(stmt.limit(per_page + 1)).all()
    more = len(rows) > per_page
    rows = rows[:per_page]
    next_cursor = encode(tag, rows[-1][1:]) if more and rows else None
    return {"items": dump([row[0] for row in rows]), "next": next_cursor, "per_page": per_page}
