"""On-site sign-in for the people who run an activity (SPEC §5.9, §8).

POST /activities/{id}/signin {closes_at?} → 201 {code, url, closes_at}, 200 when it was opened
before (same code); DELETE /activities/{id}/signin → 200 (closed at once);
GET /activities/{id}/attendance → {count, workers, items: [...]}, mobiles masked per §4 (whole for
the organiser and provincial admins). Outside the caller's scope: 404; in scope but not the
organiser, a co-organiser or the Home's manager (open, close): 403.
"""
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.schemas import InputSchema
from blueprints.api.util import commit
from models import Activity
from services import signin
from services.scope import get_scoped
from services.urls import public_url

bp = Blueprint("api_signin", __name__, description="活动签到（组织者、联合组织代表、代表之家管理员）")


class OpenSigninSchema(InputSchema):
    closes_at = fields.Raw(allow_none=True, metadata={
        "type": "string", "format": "date-time",
        "description": "结束签到的时间（ISO 8601；不带时区按北京时间），不晚于活动当天 23:59:59；"
                       "不填为当天结束"})


class SigninSchema(Schema):
    code = fields.String(metadata={"description": "签到码（8 位，随机，不区分大小写）"})
    url = fields.String(metadata={"description": "签到页的完整地址（/s/{code}）"})
    closes_at = fields.DateTime()
    closed_at = fields.DateTime(allow_none=True)
    open = fields.Boolean()
    count = fields.Integer(metadata={"description": "已签到人数"})


class AttendeeSchema(Schema):
    attendee_no = fields.Integer()
    name = fields.String()
    work_unit = fields.String()
    field = fields.String()
    mobile = fields.String(metadata={
        "description": "组织者和省科协办公室可见完整号码，其他人员为 138****5678"})
    is_worker = fields.Boolean()
    proxy = fields.Boolean(metadata={"description": "代签"})
    note = fields.String(metadata={"description": "科技工作者关联情况，如“手机号已登记在另一姓名下，未关联”"})
    signed_at = fields.DateTime()


class AttendanceSchema(Schema):
    count = fields.Integer()
    workers = fields.Integer(metadata={"description": "关联为本活动科技工作者的签到人数"})
    items = fields.List(fields.Nested(AttendeeSchema))


def _load(activity_id) -> Activity:
    return get_scoped(Activity, activity_id, api_user())


def _answer(row, activity) -> dict:
    return {"code": row.code, "url": public_url("signin_public.page", code=row.code),
            "closes_at": row.closes_at, "closed_at": row.closed_at, "open": signin.is_open(row),
            "count": signin.counts_for([activity.id]).get(activity.id, 0)}


@bp.route("/activities/<int:activity_id>/signin")
class Signin(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.arguments(OpenSigninSchema())
    @bp.response(201, SigninSchema)
    @bp.alt_response(200, schema=SigninSchema, description="已开启过：同一签到码，重新开启")
    def post(self, data, activity_id):
        """Open sign-in on an activity dated today (draft or submitted); the same code when
        opened again."""
        activity = _load(activity_id)
        row, created = signin.open_signin(api_user(), activity, data.get("closes_at"))
        answer = _answer(row, activity)
        commit()
        return answer, (201 if created else 200)

    @bp.doc(security=SECURITY)
    @bp.response(200, SigninSchema)
    def delete(self, activity_id):
        """Close the activity's sign-in at once (409 when it was never opened)."""
        activity = _load(activity_id)
        row = signin.close_signin(api_user(), activity)
        answer = _answer(row, activity)
        commit()
        return answer


@bp.route("/activities/<int:activity_id>/attendance")
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, AttendanceSchema)
def attendance(activity_id):
    """Who signed in, with mobiles masked per SPEC §4."""
    activity = _load(activity_id)
    data = signin.attendance(api_user(), activity)
    return {"count": data["count"], "workers": data["workers"],
            "items": [row.__dict__ for row in data["items"]]}
