"""Who may do what with an activity (SPEC §5.1), as plain predicates over the user and the row.

- edit: the organiser or a manager of the Home while draft/submitted/returned; a verified
  activity is frozen for everyone but a provincial admin (whose edit is audited as such);
- delete: the organiser while not verified, a manager of the Home, an admin;
- submit: the organiser or a manager of the Home, from draft or returned;
- review (verify / return with a comment): a manager of the Home or an admin, submitted only.

Callers have already loaded the activity through the scope (services/scope.py), so anything the
user cannot see is a 404 before these run; they answer True/False, `require_edit` raises.
"""
from models.enums import ActivityStatus, Role
from services.errors import Forbidden

S = ActivityStatus
EDITABLE = {S.DRAFT, S.SUBMITTED, S.RETURNED}


def is_manager_of(user, activity) -> bool:
    """True when `user` manages the Home the activity belongs to."""
    return (user.role == Role.HOME_MANAGER and user.scope_home_id is not None
            and user.scope_home_id == activity.home_id)


def can_edit(user, activity) -> bool:
    """May `user` change the activity's fields now (pages show the 修改 button on this)."""
    if user.role == Role.PROVINCIAL_ADMIN:
        return True
    if activity.status not in EDITABLE:
        return False
    return activity.organizer_id == user.id or is_manager_of(user, activity)


def can_delete(user, activity) -> bool:
    """May `user` delete the activity."""
    if user.role == Role.PROVINCIAL_ADMIN or is_manager_of(user, activity):
        return True
    return activity.organizer_id == user.id and activity.status != S.VERIFIED


def can_submit(user, activity) -> bool:
    """May `user` submit the (draft or returned) activity for verification."""
    return (activity.status in (S.DRAFT, S.RETURNED)
            and (activity.organizer_id == user.id or is_manager_of(user, activity)))


def can_review(user, activity) -> bool:
    """May `user` verify or return the (submitted) activity."""
    return activity.status == S.SUBMITTED and (
        user.role == Role.PROVINCIAL_ADMIN or is_manager_of(user, activity))


PREDICATES = {"edit": can_edit, "delete": can_delete, "submit": can_submit, "review": can_review}


def can(user, action: str, activity) -> bool:
    """May `user` do `action` ("edit", "delete", "submit" or "review") to the activity.

    Raises KeyError for an action that is not one of those four (a typo in a template fails
    loudly instead of hiding a button)."""
    return PREDICATES[action](user, activity)


def require_edit(user, activity) -> None:
    """Forbidden (with the reason in Chinese) unless `user` may edit the activity or its files."""
    if user.role == Role.PROVINCIAL_ADMIN:
        return
    if activity.organizer_id != user.id and not is_manager_of(user, activity):
        raise Forbidden("只有活动组织者或本代表之家管理员可以修改活动")
    if activity.status == S.VERIFIED:
        raise Forbidden("活动已审核通过，不能再修改")
