"""GET /me: the user of the token."""
from flask_smorest import Blueprint

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.schemas import UserSchema

bp = Blueprint("api_me", __name__, description="当前用户")


@bp.route("/me")
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, UserSchema)
def me():
    """The signed-in user."""
    return api_user()
