"""Shared API schemas: Chinese field messages, the page envelope, and the error document."""
from marshmallow import EXCLUDE, Schema, fields, validate

from blueprints.api.input import Int, load_deferring

# Field messages users (and mobile clients) read are Chinese.
fields.Field.default_error_messages.update({
    "required": "必填字段",
    "null": "不能为空",
    "validator_failed": "值无效",
})
for _cls, _msgs in {
    fields.String: {"invalid": "必须是文本"},
    fields.Integer: {"invalid": "必须是整数", "not_integer": "必须是整数"},
    fields.Number: {"invalid": "必须是数字", "too_large": "数值过大"},
    fields.Decimal: {"invalid": "必须是数字", "special": "必须是有限的数字"},
    fields.Float: {"invalid": "必须是数字", "special": "必须是有限的数字"},
    fields.Boolean: {"invalid": "必须是 true 或 false"},
    fields.Date: {"invalid": "日期格式应为 YYYY-MM-DD", "format": "日期格式应为 YYYY-MM-DD"},
    fields.DateTime: {"invalid": "时间格式无效"},
    fields.List: {"invalid": "必须是列表"},
    fields.Email: {"invalid": "电子信箱格式不正确"},
}.items():
    _cls.default_error_messages = {**_cls.default_error_messages, **_msgs}
Schema._default_error_messages = {**Schema._default_error_messages,
                                  "type": "请求体必须是 JSON 对象", "unknown": "未知字段"}


class InputSchema(Schema):
    """Input bodies: unknown keys are ignored; services check required fields and limits.

    A field whose type is wrong does not stop the view: its message waits
    (blueprints/errors/pending.py) so that the service names its own bad fields too, and the
    request answers one 422 with all.
    """

    class Meta:
        unknown = EXCLUDE

    def load(self, data, **kwargs):
        return load_deferring(self, super().load, data, kwargs)


class PageArgs(InputSchema):
    """?page=&per_page= (per_page ≤ 100), or ?after=CURSOR (the `next` of the previous answer;
    empty: from the first item) for keyset pages at constant cost."""

    page = Int(load_default=1, validate=validate.Range(min=1, error="页码应大于等于1"))
    per_page = Int(load_default=20, validate=validate.Range(
        min=1, max=100, error="每页条数应在1到100之间"))
    after = fields.String(metadata={"description": "上一页返回的 next（游标）；为空表示从第一条开始"})


_PAGE_SCHEMAS = {}


def page_of(item_schema):
    """A schema {items: [item], total, page, per_page} for lists of `item_schema`; keyset pages
    (?after=) answer {items, next, per_page}."""
    key = item_schema.__name__
    if key not in _PAGE_SCHEMAS:
        _PAGE_SCHEMAS[key] = type(f"{key.removesuffix('Schema')}PageSchema", (Schema,), {
            "items": fields.List(fields.Nested(item_schema)),
            "total": fields.Integer(),
            "total_estimated": fields.Boolean(metadata={
                "description": "true 表示 total 超过 10000，是估计值"}),
            "page": fields.Integer(),
            "per_page": fields.Integer(),
            "next": fields.String(allow_none=True),
        })
    return _PAGE_SCHEMAS[key]


class ErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True, metadata={"example": "输入有误，请检查标出的字段"})
    fields_ = fields.Dict(data_key="fields", required=True, keys=fields.String(),
                          values=fields.List(fields.String()),
                          metadata={"description": "每个有误字段的中文说明"})


class ErrorSchema(Schema):
    """SPEC §8: {"error": {"code", "message", "fields"}} — every error answer of the API."""

    error = fields.Nested(ErrorBodySchema, required=True)


class UserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    mobile = fields.String()
    email = fields.String()
    unit_id = fields.Method("get_unit_id", allow_none=True)
    home_id = fields.Method("get_home_id", allow_none=True)
    level = fields.String(allow_none=True)
    city = fields.String(allow_none=True, metadata={
        "description": "A city administrator's 设区市 (SPEC §5.12); null for other roles."})
    work_unit = fields.String()
    speciality = fields.String()
    must_change_password = fields.Boolean()

    def get_unit_id(self, user):
        if user.unit_id is None and user.home is not None:
            return user.home.unit_id
        return user.unit_id

    def get_home_id(self, user):
        return user.scope_home_id


class TokenUserSchema(Schema):
    id = fields.Integer()
    username = fields.String()
    role = fields.String()
    home_id = fields.Method("get_home_id", allow_none=True)
    unit_id = fields.Method("get_unit_id", allow_none=True)

    get_unit_id = UserSchema.get_unit_id
    get_home_id = UserSchema.get_home_id


class UnitSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    city = fields.String(allow_none=True)
    address = fields.String()
    postcode = fields.String()
    contact_person = fields.String()
    phone = fields.String()
    fax = fields.String()
    email = fields.String()
    active = fields.Boolean()


class RoundSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    deadline = fields.Date()
    quota = fields.Integer()


class HomeSchema(Schema):
    id = fields.Integer()
    unit_id = fields.Integer()
    name = fields.String()
    status = fields.String()
    recognized_on = fields.Date(allow_none=True)
    expires_on = fields.Date(allow_none=True)
    venue_address = fields.String()
    has_sign = fields.Boolean()
    has_facilities = fields.Boolean()
    management_rules = fields.Boolean()
