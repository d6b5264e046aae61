"""Users: scoped list and detail; creation by admins (any) and managers (own representatives)."""
import sqlalchemy as sa
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.input import Int
from blueprints.api.schemas import InputSchema, PageArgs, UserSchema, page_of
from blueprints.api.util import commit, paginate
from models import Unit, User
from services import accounts
from services.scope import get_scoped, scoped

bp = Blueprint("api_users", __name__, description="用户")


class UserInputSchema(InputSchema):
    username = fields.String(required=True)
    password = fields.String(required=True, load_only=True)
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={
        "enum": ["representative", "home_manager", "provincial_admin", "city_admin",
                 "system_admin", "security_admin", "audit_admin"]})
    unit_id = Int(allow_none=True)
    home_id = Int(allow_none=True)
    level = fields.String(allow_none=True, metadata={"enum": ["province", "city", "county"]})
    city = fields.String(allow_none=True, metadata={
        "description": "Required for city_admin: one of Jiangsu's 13 设区市 (南京市 …)."})
    mobile = fields.String()
    email = fields.String()
    work_unit = fields.String()
    speciality = fields.String()


class UserPatchSchema(InputSchema):
    active = fields.Boolean()
    # Raw: the service sees any value, so a role that may not change it gets 403 before a 422.
    role = fields.Raw(metadata={
        "type": "string",
        "enum": ["provincial_admin", "city_admin", "system_admin", "security_admin",
                 "audit_admin"],
        "description": "更改管理员账号的角色：仅系统管理员，仅管理员账号之间，不能更改自己的角色"
                       "（SPEC §5.13）"})
    city = fields.Raw(metadata={
        "type": "string",
        "description": "设区市科协的设区市：改为 city_admin 时必填（原为 city_admin 时可省略）；"
                       "仅系统管理员"})


@bp.route("/users")
class Users(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.arguments(PageArgs, location="query")
    @bp.response(200, page_of(UserSchema))
    def get(self, args):
        """Users in the caller's scope."""
        # Each user's Home and unit (and the unit's Home) in the same statement: the answer names
        # home_id and unit_id of every user without a query per row.
        stmt = scoped(User, api_user()).order_by(User.name_key, User.id).options(
            sa.orm.joinedload(User.home), sa.orm.joinedload(User.unit).joinedload(Unit.home))
        return paginate(stmt, args["page"], args["per_page"], list)

    @bp.doc(security=SECURITY)
    @bp.arguments(UserInputSchema)
    @bp.response(201, UserSchema)
    def post(self, data):
        """Create an account; a taken username answers 409."""
        user = accounts.create_user(api_user(), data)
        commit()
        return user


@bp.route("/users/<int:user_id>")
class UserDetail(MethodView):
    decorators = [token_required]

    @bp.doc(security=SECURITY)
    @bp.response(200, UserSchema)
    def get(self, user_id):
        """One user in the caller's scope."""
        return get_scoped(User, user_id, api_user())

    @bp.doc(security=SECURITY)
    @bp.arguments(UserPatchSchema)
    @bp.response(200, UserSchema)
    def patch(self, data, user_id):
        """Deactivate or reactivate an account; the system administrator changes the role of an
        administrator account (403 for anyone else, for one's own role and for business roles)."""
        user = get_scoped(User, user_id, api_user())
        if "role" in data or "city" in data:
            accounts.change_role(api_user(), user, data.get("role", user.role.value),
                                 city=data.get("city"))
        if "active" in data:
            accounts.set_active(api_user(), user, data["active"])
        commit()
        return user
