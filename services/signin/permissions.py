"""Who may do what with an activity's sign-in (SPEC §5.9, §4), as plain predicates.

Callers have loaded the activity through the scope (services/scope.py): anything outside it is a
404 before these run. In scope are the organiser, the co-organisers, the Home's managers and the
provincial admins; the separated administrators are refused at the door.

- open and close: the organiser, a co-organiser, a manager of the Home (an admin: 403);
- 代签 (sign a person in without their phone): the organiser;
- read the attendance: everyone in scope; full mobiles only for the organiser and provincial admins.
"""
from models.enums import Role
from services.errors import Forbidden


def _manages(user, activity) -> bool:
    return (user.role == Role.HOME_MANAGER and user.scope_home_id is not None
            and user.scope_home_id == activity.home_id)


def is_co_organizer(user, activity) -> bool:
    """True when `user` is one of the activity's co-organisers."""
    return any(u.id == user.id for u in activity.co_organizers)


def can_open(user, activity) -> bool:
    """May `user` open or close sign-in on the activity."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    return (activity.organizer_id == user.id or _manages(user, activity)
            or (user.role == Role.REPRESENTATIVE and is_co_organizer(user, activity)))


OPEN_REFUSED = "只有活动组织者、联合组织代表或本代表之家管理员可以开启或结束签到、打印签到海报"


def require_open(user, activity) -> None:
    """Forbidden (403) unless `user` may open or close sign-in on the activity."""
    if not can_open(user, activity):
        raise Forbidden(OPEN_REFUSED)


def can_proxy(user, activity) -> bool:
    """May `user` sign a person in on their behalf (代签): the organiser."""
    return user is not None and activity.organizer_id == user.id


def sees_full_mobile(user, activity) -> bool:
    """The organiser and provincial admins read attendees' mobiles in full; others masked (SPEC §4)."""
    return user.role == Role.PROVINCIAL_ADMIN or activity.organizer_id == user.id
