"""Who may see and do what with needs (SPEC §4, §5.11), as one query filter.

- provincial_admin: every need; dispatches, declines, closes an unrated fulfilled need.
- home_manager: the needs dispatched to their Home (home_id); assigns and returns them.
- representative: the needs assigned to them.
- city_admin: read-only, the needs dispatched to the Homes of its city (SPEC §5.12), mobiles masked.
- the separated administrators: 403 on every need route; anyone else sees none (404).
Contact mobiles are shown in full to admins, the Home's managers and the assigned representatives,
masked (138****5678) to anyone else who can see the need.
"""
import sqlalchemy as sa

from models import Need, need_representatives
from models.enums import SEPARATED_ROLES, Role
from services.errors import Forbidden
from services.privacy import mask_mobile
from services.scope import city_home_ids, get_where, require_role

READERS = (Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN, Role.HOME_MANAGER, Role.REPRESENTATIVE)


def require_reader(actor) -> None:
    """403 for the separated administrators and any role that reads no needs."""
    require_role(actor, *READERS)


def need_clause(actor):
    """The WHERE clause keeping the needs `actor` may see (403 for a separated administrator)."""
    role = getattr(actor, "role", None) if getattr(actor, "is_authenticated", False) else None
    if role in SEPARATED_ROLES:
        raise Forbidden("系统、安全和审计管理员不办理业务（三员分立）")
    if role == Role.PROVINCIAL_ADMIN:
        return sa.true()
    if role == Role.CITY_ADMIN:
        return Need.home_id.in_(city_home_ids(actor.city))
    if role == Role.HOME_MANAGER:
        home_id = actor.scope_home_id
        return Need.home_id == home_id if home_id is not None else sa.false()
    if role == Role.REPRESENTATIVE:
        return Need.id.in_(sa.select(need_representatives.c.need_id)
                           .where(need_representatives.c.user_id == actor.id))
    return sa.false()


def get_need(actor, need_id, *, options=()) -> Need:
    """The need if `actor` may see it; 403 for a role that reads none, 404 otherwise."""
    require_reader(actor)
    return get_where(Need, need_id, need_clause(actor), options=options)


def is_manager_of(actor, need: Need) -> bool:
    """True when `actor` manages the Home the need is dispatched to."""
    return (actor.role == Role.HOME_MANAGER and need.home_id is not None
            and actor.scope_home_id == need.home_id)


def can_see_contact(actor, need: Need, assigned_ids=None) -> bool:
    """Full contact mobile: admins, the Home's managers, the assigned representatives.
    `assigned_ids`: the need's representatives' ids when already read (a list page)."""
    role = getattr(actor, "role", None)
    if role == Role.PROVINCIAL_ADMIN:
        return True
    if role == Role.HOME_MANAGER:
        return is_manager_of(actor, need)
    if role == Role.REPRESENTATIVE:
        if assigned_ids is None:
            assigned_ids = [rep.id for rep in need.representatives]
        return actor.id in assigned_ids
    return False


def shown_mobile(actor, need: Need, assigned_ids=None) -> str:
    """The contact mobile as `actor` may see it (full or 138****5678)."""
    if can_see_contact(actor, need, assigned_ids):
        return need.contact_mobile
    return mask_mobile(need.contact_mobile)
