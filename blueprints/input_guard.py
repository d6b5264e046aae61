"""One gate for odd input, before any view runs (forms, pages and the JSON API alike).

- ids in URLs: the `int` converter stops at PostgreSQL's integer, so /activities/3000000000 is
  the same 404 as any id that does not exist;
- text: C0 control characters other than tab, LF and CR are refused with 422 naming the field
  (query, path, form fields and every string of a JSON body); CRLF is stored as LF (a flush rule).
  A page form posted from this site is answered with its text given back without them
  (blueprints.errors.lost_token.control_rescue), so nothing typed or pasted is lost;
- JSON bodies nested deeper than MAX_JSON_DEPTH are refused with 422 `body` (no RecursionError);
  a list of more than MAX_LIST_ITEMS items anywhere in a body is refused with 422 naming its field;
- pages: ?page= and the other numbers pages read (month, …, *_id; a year as a 32-bit number) must be
  in range (422 naming them);
- bodies: checked only on a URL a route takes, after blueprints/body_limits bounded their size.
"""
import json

import sqlalchemy as sa
from flask import request
from werkzeug.routing import IntegerConverter

from services.errors import ValidationFailed
from services.input_rules import (
    CONTROL_MESSAGE,
    INT_MAX,
    has_forbidden_chars,
    normalise_newlines,
)

MAX_JSON_DEPTH = 32
MAX_LIST_ITEMS = 1000  # SPEC §10: a list in a body (worker_ids, co_organizer_ids, …) holds ≤ 1,000

# Query arguments the server-rendered pages read as numbers (page: a survey's completion pages).
# A year only has to be a 32-bit number here: its range is a named range of services.years that
# each page applies (an activity list ignores a year outside it with a notice, other pages show
# their default year).
_PAGE_NUMBER_ARGS = {"page": (1, INT_MAX), "per_page": (1, 100), "year": (0, INT_MAX),
                     "month": (1, 12), "days": (1, 3650)}


class IdConverter(IntegerConverter):
    """`<int:…>` for ids: 1 … 2^31-1 (beyond it no row can exist, so the route does not match)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def install_converter(app) -> None:
    """Make every `<int:…>` route bounded; call before blueprints are registered."""
    app.url_map.converters["int"] = IdConverter


def _refuse(field: str, message: str):
    raise ValidationFailed({field: [message]}, message=f"「{field}」{message}")


def _check_text(field: str, value) -> None:
    if isinstance(value, str) and has_forbidden_chars(value):
        _refuse(field, CONTROL_MESSAGE)


def _walk_json(data) -> None:
    """Every string (and key) of a parsed body, without recursion; each named by its top field."""
    stack = [(data, "body", 1)]
    while stack:
        value, field, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            _refuse("body", f"JSON 嵌套不能超过{MAX_JSON_DEPTH}层")
        if isinstance(value, str):
            _check_text(field, value)
        elif isinstance(value, dict):
            for key, item in value.items():
                name = key if depth == 1 else field
                if has_forbidden_chars(key):
                    _refuse("body" if depth == 1 else field, CONTROL_MESSAGE)
                stack.append((item, name, depth + 1))
        elif isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS:
                _refuse(field, f"最多{MAX_LIST_ITEMS}项（收到{len(value)}项）")
            stack.extend((item, field, depth + 1) for item in value)


def _json_body():
    """The parsed JSON body, or None when there is none or it is not valid JSON (views say so)."""
    if not request.is_json:
        return None
    raw = request.get_data(cache=True)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except RecursionError:
        _refuse("body", f"JSON 嵌套不能超过{MAX_JSON_DEPTH}层")
    except ValueError:
        return None


def _number(raw: str) -> int | None:
    """The integer a query value writes in decimal digits (optionally signed), else None."""
    digits = raw[1:] if raw[:1] in "+-" else raw
    if not raw or not digits.isascii() or not digits.isdigit():
        return None
    return int(raw)


def _check_page_numbers() -> None:
    """A number a page reads must be in its range (422 naming it); pages ignore what is no
    number at all (`?year=abc` shows this year, `?page=x` the first page), as they always did."""
    for name, raw in request.args.items():
        number = _number(raw)
        if number is None:
            continue
        bounds = _PAGE_NUMBER_ARGS.get(name) or ((0, INT_MAX) if name.endswith("_id") else None)
        if bounds is None:
            continue
        low, high = bounds
        if not low <= number <= high:
            _refuse(name, f"应为{low}到{high}之间的整数")


def check_request():
    """before_request: refuse the odd input above (ValidationFailed → 422 page or JSON); a page
    form from this site with control characters in its text gets the rescue page instead."""
    for key, value in request.args.items(multi=True):
        _check_text(key, key)
        _check_text(key, value)
    for key, value in (request.view_args or {}).items():
        _check_text(key, value)
    is_api = request.path.startswith("/api/")
    if not is_api:
        _check_page_numbers()
    if request.method in ("GET", "HEAD", "OPTIONS") or request.url_rule is None:
        return  # no body to check, or a URL no route takes: its body is never read
    for key in request.form:
        _check_text(key, key)
        if len(request.form.getlist(key)) > MAX_LIST_ITEMS:
            _refuse(key, f"最多{MAX_LIST_ITEMS}项")
    bad = [key for key, value in request.form.items(multi=True) if has_forbidden_chars(value)]
    if bad and not is_api:
        from blueprints.errors import lost_token
        if lost_token.same_origin():  # a page form: give the text back, cleaned, to post again
            return lost_token.control_rescue(bad)
    for key in bad:
        _refuse(key, CONTROL_MESSAGE)
    for key, storage in request.files.items(multi=True):
        _check_text(key, storage.filename or "")
    data = _json_body()
    if data is not None:
        _walk_json(data)


def _newlines_before_flush(session, _context, _instances) -> None:
    """CRLF → LF in every text column of the rows about to be written."""
    for obj in list(session.new) + list(session.dirty):
        state = sa.inspect(obj)
        for attr in state.mapper.column_attrs:
            value = state.dict.get(attr.key)
            if isinstance(value, str) and "\r\n" in value:
                setattr(obj, attr.key, normalise_newlines(value))


def register(app) -> None:
    """The body limits, the request gate, lenient multipart names and the newline rule (the
    converter is installed by install_converter)."""
    from blueprints import body_limits
    from blueprints.multipart import MultipartRequest

    app.request_class = MultipartRequest
    app.before_request(check_request)
    body_limits.register(app)
    if not sa.event.contains(sa.orm.Session, "before_flush", _newlines_before_flush):
        sa.event.listen(sa.orm.Session, "before_flush", _newlines_before_flush)
