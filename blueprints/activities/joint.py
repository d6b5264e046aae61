"""Joint activities across Homes (SPEC §5.12): the co-organiser picker's search (JSON, for signed-in
representatives and managers, rate limited, at most SEARCH_LIMIT names with their Home, never a
mobile) and a co-organiser's withdrawal (by themselves or their Home's manager, audited)."""
from flask import jsonify, redirect, request, url_for
from flask_login import current_user

from blueprints.activities import bp
from blueprints.decorators import roles_required
from blueprints.web import commit_operation
from extensions import limiter
from models.enums import Role
from services import activities as service

#: Per signed-in user: a picker asks once per pause in typing.
SEARCH_RATE_LIMIT = "120 per minute"


def _user_key() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else "anonymous"


@bp.route("/me/co-organizers/search")
@roles_required(Role.REPRESENTATIVE, Role.HOME_MANAGER)
@limiter.limit(SEARCH_RATE_LIMIT, key_func=_user_key)
def co_organizer_search():
    """`?q=` part of a name → `{items: [{id, name, home}]}` of active representatives of the
    other Homes (not the caller's own; at most SEARCH_LIMIT)."""
    return jsonify({"items": service.search_co_organizers(current_user, request.args.get("q", "")),
                    "limit": service.SEARCH_LIMIT})


@bp.route("/me/activities/<int:activity_id>/co-organizers/<int:user_id>/withdraw",
          methods=["POST"])
@roles_required(Role.REPRESENTATIVE, Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
def co_organizer_withdraw(activity_id, user_id):
    """Withdraw a co-organiser (themselves, their Home's manager, or the office)."""
    done = commit_operation(
        lambda: service.withdraw_co_organizer(current_user, activity_id, user_id),
        success="已退出联合组织", failure="未能退出：")
    back = request.form.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    if done and current_user.id == user_id:
        return redirect(url_for("activities.mine"))
    return redirect(url_for("activities.detail", activity_id=activity_id))
