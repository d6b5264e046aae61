"""Keyset paging (`?after=CURSOR`, `?before=CURSOR`): a page costs the same at any depth — one
mechanism for the JSON API (SPEC §8) and the pages, plus capped totals.

A list's select is ordered by columns that end with a unique one (e.g. `date DESC, id DESC`).
The cursor is opaque to clients: URL-safe base64 of JSON `[list tag, [sort values of an item]]`.
The page after a cursor is the rows strictly after those values in the list's order — a row
comparison `(date, id) < (:d, :i)` when every key runs the same way (an index on the keys serves
it), else the equivalent OR of prefixes; the page before a cursor is read the same way in the
reverse order. One SELECT per page (plus the list's eager loads), no count, `per_page + 1` rows
fetched to know whether another page follows.

A cursor that cannot be decoded, belongs to another list or carries values of the wrong type or
out of their column's range answers 422 naming `after` (or `before`) — every part is checked
here, once, before a statement is built: integers within their column (int32, int64 for
BigInteger), dates and timestamps between 1900 and 2100 (a timestamp's offset applied:
`9999-12-31T23:59:59-14:00` is year 10000 in UTC), finite numbers, texts of at most MAX_TEXT
characters without NUL or lone surrogates, enum values among the enum's. An empty cursor starts
at the first item.

Totals (`count_capped`) stop counting after EXACT_TOTAL_LIMIT + 1 rows, so no list counts a
whole table: exact up to the limit, above it the API gives PostgreSQL's planner estimate and the
pages say "10,000+".
"""
import base64
import binascii
import enum
import json
import math
from dataclasses import dataclass
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


def decode(cursor: str, tag: str, keys, field: str = "after") -> list:
    """The sort values a cursor carries; ValidationFailed naming `field` for anything else."""
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
        raise ValidationFailed({field: [BAD_CURSOR]}) from None


def _reversed(keys) -> list[tuple]:
    return [(expr, not desc) for expr, desc in keys]


def _after(keys, values):
    """The condition `row comes after values` in the order of `keys` (with `_reversed(keys)`:
    before them)."""
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
    page = keyset_page(stmt, after=cursor, per_page=per_page)
    return {"items": dump(page.items), "next": page.next, "per_page": per_page}


@dataclass(frozen=True)
class KeysetPage:
    """One page of a list: `items` in the list's order; `next` the cursor for `after=` (None when
    nothing follows), `prev` the cursor for `before=` (None on the first page; "" when the page
    before is the first one read from the start)."""

    items: list
    next: str | None
    prev: str | None
    per_page: int


def _read(stmt, keys, per_page: int) -> list:
    labelled = stmt.add_columns(*(expr.label(f"_keyset_{i}") for i, (expr, _) in enumerate(keys)))
    return db.session.execute(labelled.limit(per_page + 1)).all()


def keyset_page(stmt, *, after: str = "", before: str = "", per_page: int = 50) -> KeysetPage:
    """The `per_page` rows of an ordered select (of one entity) after the cursor `after`, or
    before the cursor `before` ('' for both: the first page), in the select's order — one SELECT
    (a page before that turns out shorter than `per_page`, rows having gone meanwhile, is the
    first page read again: two). ValidationFailed (422) naming `after` / `before` for a cursor
    that is not one of this list's."""
    keys = _keys(stmt)
    tag = _tag(stmt)
    if before:
        values = decode(before, tag, keys, "before")
        back = _reversed(keys)
        rows = _read(stmt.where(_after(back, values)).order_by(None)
                     .order_by(*(expr.desc() if desc else expr.asc() for expr, desc in back)),
                     keys, per_page)
        more = len(rows) > per_page
        rows = list(reversed(rows[:per_page]))
        if more or len(rows) == per_page:
            return KeysetPage([r[0] for r in rows], encode(tag, rows[-1][1:]) if rows else None,
                              encode(tag, rows[0][1:]) if more else None, per_page)
        after = ""  # fewer than a page before the cursor: that is the first page
    start = decode(after, tag, keys) if after else None
    rows = _read(stmt.where(_after(keys, start)) if start is not None else stmt, keys, per_page)
    more = len(rows) > per_page
    rows = rows[:per_page]
    prev = None
    if start is not None:
        prev = encode(tag, rows[0][1:]) if rows else ""
    return KeysetPage([r[0] for r in rows], encode(tag, rows[-1][1:]) if more and rows else None,
                      prev, per_page)


EXACT_TOTAL_LIMIT = 10_000


def count_capped(stmt, *, estimate: bool = True) -> tuple[int, bool]:
    """(total, estimated) of a select's rows: exact up to EXACT_TOTAL_LIMIT (SPEC §8).

    The exact count stops reading after EXACT_TOTAL_LIMIT + 1 rows, so its cost never follows the
    size of the table. Above the limit, with `estimate`, PostgreSQL's planner estimate of the rows
    is given (at least the limit + 1) with `estimated` true; SQLite, which keeps no estimate,
    counts exactly and flags the total as estimated all the same, so a client sees one contract on
    either database. Without `estimate` (the pages: one statement whatever the data) the answer
    above the limit is (EXACT_TOTAL_LIMIT + 1, True), shown as "10,000+".
    """
    bare = stmt.order_by(None)
    capped = db.session.scalar(sa.select(sa.func.count()).select_from(
        bare.limit(EXACT_TOTAL_LIMIT + 1).subquery()))
    if capped <= EXACT_TOTAL_LIMIT:
        return capped, False
    if not estimate:
        return EXACT_TOTAL_LIMIT + 1, True
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        compiled = bare.compile(dialect=bind.dialect)
        plan = db.session.connection().exec_driver_sql(
            "EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params).scalar()
        rows = int(plan[0]["Plan"]["Plan Rows"])
    else:
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(bare.subquery()))
    return max(rows, EXACT_TOTAL_LIMIT + 1), True
