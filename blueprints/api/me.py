"""GET /me: the user of the token."""
from flask_smorest import Blueprint
from marshmallow import fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.schemas import UserSchema

bp = Blueprint("api_me", __name__, description="当前用户")


class MeSchema(UserSchema):
    public_code = fields.Method("get_public_code", allow_none=True, metadata={
        "description": "A representative's 代表码 (SPEC 5.5): the public page is /r/{public_code}; "
                       "null for other roles."})

    def get_public_code(self, user):
        return user.public_code if user.is_representative else None


@bp.route("/me")
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, MeSchema)
def me():
    """The signed-in user."""
    return api_user()
