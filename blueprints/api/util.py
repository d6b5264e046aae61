"""Helpers for API views: request bodies, pagination, one commit per request."""
import sqlalchemy as sa
from flask import request

from extensions import db
from services.errors import ValidationFailed


def json_body() -> dict:
    """The request's JSON object; 422 naming `body` when it is missing or not an object."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed({"body": ["请求体必须是 JSON 对象"]})
    return data


def paginate(stmt, page: int, per_page: int, dump) -> dict:
    """{items, total, page, per_page} for a select; `dump` turns the rows into JSON-ready items."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        stmt.order_by(None).subquery()))
    rows = db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": dump(rows), "total": total, "page": page, "per_page": per_page}


def commit():
    db.session.commit()
