"""GET /audit — the audit log for the audit administrator (SPEC §5.13, §8): keyset pages only.

The role is checked before the query is read (SPEC §4: 403 before any 422)."""
from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from services import audit
from services.errors import ValidationFailed

bp = Blueprint("api_audit", __name__, description="审计日志（审计管理员）")

_QUERY = [("from", "开始日期 YYYY-MM-DD（北京时间，含）"), ("to", "结束日期 YYYY-MM-DD（含）"),
          ("actor_id", "操作人编号"), ("action", "操作"), ("object_type", "对象类型"),
          ("result", "success 或 failure"), ("after", "上一页答复的 next"),
          ("per_page", "每页条数（1–100，默认 50）")]


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    action = fields.String()
    object_type = fields.String()
    object_id = fields.Integer(allow_none=True)
    result = fields.String()
    detail = fields.Dict()


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    next = fields.String(allow_none=True)
    per_page = fields.Integer()


def _cursor(errors: dict, name: str, default, maximum: int):
    raw = request.args.get(name, "")
    if raw == "":
        return default
    if raw.isdigit() and len(raw) <= 12 and 1 <= int(raw) <= maximum:
        return int(raw)
    errors[name] = ["应为正整数" if name == "after" else f"应为1到{maximum}之间的整数"]
    return default


@bp.route("/audit")
@token_required
@bp.doc(security=SECURITY, parameters=[{"name": k, "in": "query", "required": False,
                                        "description": d, "schema": {"type": "string"}}
                                       for k, d in _QUERY])
@bp.response(200, AuditPageSchema)
def audit_log():
    """Entries newest first: `{items, next, per_page}`; `next` is the `after` of the next page."""
    user = api_user()
    audit.require_auditor(user)
    errors = {}
    try:
        filters = audit.parse_filters(request.args)
    except ValidationFailed as error:
        filters, errors = {}, dict(error.fields)
    after = _cursor(errors, "after", None, 10**12)
    per_page = _cursor(errors, "per_page", 50, audit.MAX_PER_PAGE)
    if errors:
        raise ValidationFailed(errors)
    rows, next_cursor = audit.list_entries(user, filters, after=after, per_page=per_page)
    return {"items": [{"id": e.id, "at": e.created_at, "actor_id": e.actor_id, "actor": username,
                       "address": e.address, "action": e.action, "object_type": e.object_type,
                       "object_id": e.object_id, "result": e.result,
                       "detail": audit.entry_detail(e)} for e, username, _name in rows],
            "next": str(next_cursor) if next_cursor else None, "per_page": per_page}
