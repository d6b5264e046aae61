"""Helpers for API views: request bodies, pagination, one commit per request."""
import sqlalchemy as sa
from flask import request

from extensions import db
from services.errors import ValidationFailed
from services.paging import count_capped, page_after


def json_body() -> dict:
    """The request's JSON object; 422 naming `body` when it is missing or not an object."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed({"body": ["请求体必须是 JSON 对象"]})
    return data


def paginate(stmt, page: int, per_page: int, dump) -> dict:
    """{items, total, page, per_page} for a select; `dump` turns the rows into JSON-ready items.

    With `?after=CURSOR` in the request (SPEC §8) the answer is keyset-paged instead:
    {items, next, per_page} (services/paging.py; `after=` empty starts at the first item)."""
    after = request.args.get("after")
    if after is not None:
        return page_after(stmt, after, per_page, dump)
    total, estimated = count_capped(stmt)
    rows = db.session.scalars(_offset_page(stmt, per_page, (page - 1) * per_page)).all()
    body = {"items": dump(rows), "total": total, "page": page, "per_page": per_page}
    if estimated:
        body["total_estimated"] = True
    return body


def _offset_page(stmt, limit: int, offset: int):
    """One OFFSET page of an ordered select of one entity, as a deferred join: the ids of the
    page are found in the list's order on its index alone (an index-only scan skips the rows
    before the page without reading them), then only those rows are read, so a deep page costs
    about what the first does rather than reading every row before it (bench/RESULTS.md has the
    figures). Same single statement."""
    entity = stmt.column_descriptions[0].get("entity")
    mapper = sa.inspect(entity, raiseerr=False) if entity is not None else None
    if mapper is None or len(mapper.primary_key) != 1 or len(stmt.column_descriptions) != 1:
        return stmt.limit(limit).offset(offset)
    pk = mapper.primary_key[0]
    ids = stmt.with_only_columns(pk).limit(limit).offset(offset)
    return stmt.where(pk.in_(ids.scalar_subquery()))


def commit(*, keep_loaded: bool = False):
    """Commit the request's one transaction. `keep_loaded` keeps the objects' loaded state
    (no expiry), so an answer built from an object just written needs no SELECT after it."""
    from blueprints.errors.pending import raise_pending

    raise_pending()  # a field the schema refused: nothing may be written
    session = db.session()
    if keep_loaded:
        session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def year_and_home(args: dict, user) -> tuple[int, int | None]:
    """The year (default: this year in Asia/Shanghai) and the Home a scoped report is about.

    A given home_id must be in the caller's scope (404 otherwise); without one, representatives and
    managers get their own Home and provincial admins the whole province (None).
    """
    from models import Home
    from models.enums import Role
    from services import clock
    from services.errors import NotFound
    from services.scope import get_scoped
    from services.years import FILTER_YEARS

    year = args.get("year", clock.today().year)
    FILTER_YEARS.check(year)
    home_id = args.get("home_id")
    if home_id is not None:
        return year, get_scoped(Home, home_id, user).id
    if user.role == Role.PROVINCIAL_ADMIN:
        return year, None
    if user.scope_home_id is None:
        raise NotFound()
    return year, user.scope_home_id
