"""需求对接 API (SPEC §5.11, §8).

Public (no token): POST /public/needs → 201 {receipt} (422 naming fields; 429 over
PUBLIC_APPEAL_RATE_LIMIT per address); GET /public/needs/{receipt} (404 unknown);
POST /public/needs/{receipt}/rating {score, comment?} → 200, 409 before fulfilment or a second time.
Signed in: GET /needs (kind, status, city, q; pages or ?after=), GET /needs/{id}; the office's
POST /needs/{id}/dispatch {home_id}, /decline {reason}, /close (unrated, 30 days after fulfilment);
the Home's manager's POST /needs/{id}/return {reason}, /assign {representative_ids}; GET
/needs/{id}/suggestions (office, the Home's manager). Roles are checked before bodies (403 first),
outside scope is 404, refused transitions 409.
"""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.schemas import InputSchema, PageArgs, page_of
from blueprints.api.util import commit, paginate
from models.enums import JIANGSU_CITIES, NeedKind, NeedStatus, Role
from services import appeals, needs
from services.needs import need_limit
from services.scope import require_role

bp = Blueprint("api_needs", __name__, description="需求对接")
public_bp = Blueprint("api_public_needs", __name__, description="需求对接（公众，无需登录）")


class PublicNeedInputSchema(InputSchema):
    kind = fields.Raw(metadata={"type": "string", "enum": NeedKind.values()})
    title = fields.Raw(metadata={"type": "string", "description": "1–100 characters."})
    description = fields.Raw(metadata={"type": "string", "description": "1–5000 characters."})
    organization = fields.Raw(metadata={"type": "string", "description": "1–100 characters."})
    contact_name = fields.Raw(metadata={"type": "string", "description": "1–50 characters."})
    contact_mobile = fields.Raw(metadata={"type": "string",
                                          "description": "A mainland mobile (normalised)."})
    city = fields.Raw(metadata={"type": "string", "enum": JIANGSU_CITIES})
    field = fields.Raw(allow_none=True, metadata={"type": "string", "description": "≤ 100."})
    rep_code = fields.Raw(allow_none=True, metadata={
        "type": "string", "description": "The 代表码 of the page it was filed from (a hint)."})
    website = fields.Raw(allow_none=True, metadata={
        "description": "Honeypot: leave empty. When filled the answer looks accepted but nothing "
                       "is stored."})


class NeedReceiptSchema(Schema):
    receipt = fields.String(metadata={"description": "Random receipt code (≥ 10 characters)."})


class NeedActivitySchema(Schema):
    title = fields.String()
    date = fields.Date()


class NeedRatingSchema(Schema):
    score = fields.Integer()
    comment = fields.String()


class PublicNeedSchema(Schema):
    kind = fields.String(metadata={"enum": NeedKind.values()})
    title = fields.String()
    status = fields.String(metadata={"enum": NeedStatus.values()})
    received_on = fields.Date()
    home = fields.String(allow_none=True, metadata={"description": "The Home's name once dispatched."})
    representatives = fields.List(fields.String(), metadata={
        "description": "The assigned representatives' names."})
    activities = fields.List(fields.Nested(NeedActivitySchema), metadata={
        "description": "Verified activities that served the need."})
    rating = fields.Nested(NeedRatingSchema, allow_none=True)
    decline_reason = fields.String(allow_none=True)


class RatingInputSchema(InputSchema):
    score = fields.Raw(metadata={"type": "integer", "description": "1–5."})
    comment = fields.Raw(allow_none=True, metadata={"type": "string", "description": "≤ 500."})


class NeedSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": NeedKind.values()})
    title = fields.String()
    description = fields.String()
    organization = fields.String()
    contact_name = fields.String()
    contact_mobile = fields.String(metadata={
        "description": "Full to admins, the Home's managers and the assigned representatives; "
                       "masked (138****5678) otherwise."})
    city = fields.String()
    field = fields.String()
    status = fields.String(metadata={"enum": NeedStatus.values()})
    home_id = fields.Integer(allow_none=True)
    hint_representative_id = fields.Integer(allow_none=True)
    representative_ids = fields.List(fields.Integer())
    decline_reason = fields.String()
    return_reason = fields.String()
    received_at = fields.DateTime()
    dispatched_at = fields.DateTime(allow_none=True)
    assigned_at = fields.DateTime(allow_none=True)
    fulfilled_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    rating = fields.Integer(allow_none=True)
    rating_comment = fields.String()


class NeedListArgs(PageArgs):
    kind = fields.String(metadata={"enum": NeedKind.values()})
    status = fields.String(metadata={"enum": NeedStatus.values()})
    city = fields.String(metadata={"enum": JIANGSU_CITIES})
    q = fields.String(metadata={"description": "关键词：标题、单位或领域中包含的文字（最多50字）"})


class NeedDispatchSchema(InputSchema):
    home_id = fields.Raw(metadata={"type": "integer", "description": "An active Home."})


class NeedReasonSchema(InputSchema):
    reason = fields.Raw(metadata={"type": "string", "description": "1–500 characters."})


class NeedAssignSchema(InputSchema):
    representative_ids = fields.Raw(metadata={
        "type": "array", "items": {"type": "integer"},
        "description": "1–5 active representatives of the Home."})


class SuggestionSchema(Schema):
    representative_id = fields.Integer()
    name = fields.String()
    home_id = fields.Integer(allow_none=True)
    score = fields.Integer()
    matched = fields.List(fields.String(), metadata={"description": "The words that matched."})


class SuggestionsSchema(Schema):
    items = fields.List(fields.Nested(SuggestionSchema))


_COLUMNS = [key for key in NeedSchema._declared_fields
            if key not in ("representative_ids", "contact_mobile")]


def _dump(user, rows) -> list[dict]:
    """Needs as JSON for `user`: the representatives' ids in one query, mobiles as allowed."""
    rows = list(rows)
    rep_ids = needs.representative_ids([n.id for n in rows])
    out = []
    for need in rows:
        item = {key: getattr(need, key) for key in _COLUMNS}
        item["representative_ids"] = rep_ids.get(need.id, [])
        item["contact_mobile"] = needs.shown_mobile(user, need, item["representative_ids"])
        out.append(item)
    return out


@bp.route("/needs")
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(NeedListArgs, location="query")
@bp.response(200, page_of(NeedSchema))
def need_list(args):
    """The needs the caller may see, newest first: all (office), dispatched to the caller's Home
    (manager), assigned to the caller (representative)."""
    user = api_user()
    needs.require_reader(user)
    stmt = needs.list_needs(user, needs.parse_filters(args))
    return paginate(stmt, args["page"], args["per_page"], lambda rows: _dump(user, rows))


@bp.route("/needs/<int:need_id>")
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, NeedSchema)
def need_detail(need_id):
    """One need (404 outside the caller's scope)."""
    user = api_user()
    return _dump(user, [needs.get_need(user, need_id)])[0]


def _act(need_id, roles, operation, data=None):
    user = api_user()
    require_role(user, *roles)
    need = operation(user, needs.get_need(user, need_id), *([data] if data is not None else []))
    commit()
    return _dump(user, [need])[0]


@bp.route("/needs/<int:need_id>/dispatch", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(NeedDispatchSchema)
@bp.response(200, NeedSchema)
@bp.alt_response(409, description="状态不允许派单，或代表之家不在有效期内")
def dispatch(data, need_id):
    """received → dispatched to an active Home (the office)."""
    return _act(need_id, (Role.PROVINCIAL_ADMIN,), needs.dispatch_need, data)


@bp.route("/needs/<int:need_id>/decline", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(NeedReasonSchema)
@bp.response(200, NeedSchema)
@bp.alt_response(409, description="状态不允许不予受理")
def decline(data, need_id):
    """received or dispatched → declined with a reason the requester sees (the office)."""
    return _act(need_id, (Role.PROVINCIAL_ADMIN,), needs.decline_need, data)


@bp.route("/needs/<int:need_id>/close", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, NeedSchema)
@bp.alt_response(409, description="未完成，或完成未满30天")
def close(need_id):
    """fulfilled → closed when the requester has not rated it 30 days after fulfilment (the office)."""
    return _act(need_id, (Role.PROVINCIAL_ADMIN,), needs.close_unrated)


@bp.route("/needs/<int:need_id>/return", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(NeedReasonSchema)
@bp.response(200, NeedSchema)
@bp.alt_response(409, description="状态不允许退回")
def return_(data, need_id):
    """dispatched or assigned → received, back to the office with a reason (the Home's manager)."""
    return _act(need_id, (Role.HOME_MANAGER,), needs.return_need, data)


@bp.route("/needs/<int:need_id>/assign", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(NeedAssignSchema)
@bp.response(200, NeedSchema)
@bp.alt_response(409, description="状态不允许安排接单")
def assign(data, need_id):
    """dispatched → assigned to 1–5 active representatives of the Home (the Home's manager)."""
    return _act(need_id, (Role.HOME_MANAGER,), needs.assign_need, data)


@bp.route("/needs/<int:need_id>/suggestions")
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, SuggestionsSchema)
def suggestions(need_id):
    """Representatives ranked by how their speciality and work unit match the need (≤ 10, best
    first, with the matched words): the Home's, or for the office before dispatch the city's."""
    user = api_user()
    require_role(user, Role.PROVINCIAL_ADMIN, Role.HOME_MANAGER)
    need = needs.get_need(user, need_id)
    return {"items": [s.__dict__ for s in needs.suggest(user, need)]}


@public_bp.route("/public/needs", methods=["POST"])
@public_bp.arguments(PublicNeedInputSchema)
@public_bp.response(201, NeedReceiptSchema)
@public_bp.alt_response(422, description="输入有误")
@public_bp.alt_response(429, description="请求过于频繁")
@need_limit
def file_public(data):
    """File an enterprise technology need or a science order (anyone; no token)."""
    receipt = needs.file_need({k: v for k, v in data.items() if v is not None},
                              hint_code=data.get("rep_code"),
                              honeypot=appeals.honeypot_filled(data))
    commit()
    return {"receipt": receipt}


@public_bp.route("/public/needs/<receipt>")
@public_bp.response(200, PublicNeedSchema)
@public_bp.alt_response(404, description="查询码不存在")
@public_bp.alt_response(429, description="查询过于频繁")
@appeals.receipt_limit
def track_public(receipt):
    """What a receipt shows: kind, title, status, Home, representatives, activities, rating."""
    return needs.public_view(needs.need_by_receipt(receipt))


@public_bp.route("/public/needs/<receipt>/rating", methods=["POST"])
@public_bp.arguments(RatingInputSchema)
@public_bp.response(200, PublicNeedSchema)
@public_bp.alt_response(404, description="查询码不存在")
@public_bp.alt_response(409, description="需求尚未完成，或已经评价过")
@public_bp.alt_response(422, description="输入有误")
@public_bp.alt_response(429, description="请求过于频繁")
@appeals.receipt_limit
def rate(data, receipt):
    """The requester rates a fulfilled need once (it is then closed)."""
    need = needs.rate_need(receipt, data)
    commit()
    return needs.public_view(need)
