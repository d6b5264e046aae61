"""Joint activities across Homes (SPEC §5.12): co-organisers may be representatives of any Home.

The activity belongs to its organiser's Home for every figure and score (its `home_id`); a
co-organiser of another Home sees it (services/scope.py lists co-organised activities for a
representative) but does not edit it, and so does the manager of that co-organiser's Home: it
opens the activity's page read-only (`readable_activity`), without the activity entering its lists
or figures. Such a co-organiser is notified when added, and may withdraw — so may the manager of
their Home, and the provincial office — audited; the organiser is told.
"""
import sqlalchemy as sa

from extensions import db
from models import Activity, Home, User, activity_co_organizers
from models.enums import Role
from services import audit, notifications, summaries
from services.activities.contact_sync import sync_activity_contacts
from services.concurrency import lock
from services.errors import Conflict, Forbidden, NotFound
from services.scope import city_home_ids, get_where, require_role, scope_clause


def notify_joint(activity: Activity, before_ids=()) -> int:
    """Notify each co-organiser of another Home newly on the activity (not in `before_ids`):
    it is theirs too, and they may withdraw. Returns how many were notified."""
    sent = 0
    for user in activity.co_organizers:
        if user.id in before_ids or user.home_id == activity.home_id:
            continue
        notifications.notify(
            user.id, "joint_activity_added", f"您被列为联合组织代表：{activity.title}",
            f"{activity.organizer.name}（{activity.home.name}）将您列为活动“{activity.title}”"
            f"（{activity.date.isoformat()}）的联合组织代表。活动计入组织者所在代表之家，"
            f"并列入您的履职档案；如非本人参与，可在活动页面退出。",
            link=f"/me/activities/{activity.id}",
            dedupe_key=f"joint_activity_added:{activity.id}:{user.id}")
        sent += 1
    return sent


def _co_organised_by_home(home_ids):
    """WHERE: one of the activity's co-organisers is a representative of a Home of `home_ids`
    (one id, or a SELECT of ids)."""
    home_clause = (User.home_id == home_ids if isinstance(home_ids, int)
                   else User.home_id.in_(home_ids))
    return Activity.id.in_(
        sa.select(activity_co_organizers.c.activity_id)
        .join(User, User.id == activity_co_organizers.c.user_id)
        .where(home_clause))


def readable_activity(actor: User, activity_id, *, options=()) -> Activity:
    """The activity if `actor` may read it: in the actor's scope (services/scope.py), or — read
    only — a joint activity one of whose co-organisers is a representative of the Home `actor`
    manages (it may withdraw them; edit, verify and the attendance stay with the organiser's side)
    or of a Home of a city admin's city (it reads its Homes' 台账, joint entries included).
    NotFound (404) for anything else, another Home's manager included. One statement."""
    visible = scope_clause(Activity, actor)
    if actor.role == Role.HOME_MANAGER and actor.scope_home_id is not None:
        visible = sa.or_(visible, _co_organised_by_home(actor.scope_home_id))
    elif actor.role == Role.CITY_ADMIN:
        visible = sa.or_(visible, _co_organised_by_home(city_home_ids(actor.city)))
    return get_where(Activity, activity_id, visible, options=options)


def reads_as_joint_home(actor: User, activity: Activity) -> bool:
    """True when `actor` reads `activity` only as the manager of a co-organiser's Home (not the
    activity's own Home), or as a city admin whose city's Homes hold only co-organisers of it:
    its page is read-only for them and shows no attendance list."""
    if actor.role == Role.CITY_ADMIN:
        return db.session.scalar(sa.select(Home.id).where(
            Home.id == activity.home_id, scope_clause(Home, actor))) is None
    return (actor.role == Role.HOME_MANAGER and actor.scope_home_id is not None
            and actor.scope_home_id != activity.home_id)


def joint_activity_for(actor: User, activity_id) -> Activity:
    """The activity if `actor` may act on its co-organisers of their side: its organiser or a
    co-organiser (representatives), the manager of its Home or of a co-organiser's Home, an admin.
    NotFound otherwise (nothing about it is revealed)."""
    try:
        activity_id = int(activity_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        raise NotFound()
    if actor.role == Role.PROVINCIAL_ADMIN:
        return activity
    co_homes = {u.home_id for u in activity.co_organizers}
    co_ids = {u.id for u in activity.co_organizers}
    if actor.role == Role.REPRESENTATIVE and (actor.id in co_ids
                                              or actor.id == activity.organizer_id):
        return activity
    if actor.role == Role.HOME_MANAGER and actor.scope_home_id is not None and (
            actor.scope_home_id == activity.home_id or actor.scope_home_id in co_homes):
        return activity
    raise NotFound()


def withdraw_co_organizer(actor: User, activity_id, user_id) -> Activity:
    """Take `user_id` off the activity's co-organisers: the co-organiser themselves, the manager
    of their Home, or an admin. Forbidden for other roles and for anyone else (the organiser and
    the activity's manager change co-organisers by editing); NotFound when the actor cannot see
    the activity; Conflict when `user_id` is not (or no longer) a co-organiser. The activity's
    contact records and summaries are kept in step; audited; the organiser is notified."""
    require_role(actor, Role.REPRESENTATIVE, Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
    activity = joint_activity_for(actor, activity_id)
    lock(activity)
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    target = next((u for u in activity.co_organizers if u.id == user_id), None)
    allowed = (actor.role == Role.PROVINCIAL_ADMIN
               or (actor.role == Role.REPRESENTATIVE and actor.id == user_id)
               or (actor.role == Role.HOME_MANAGER and target is not None
                   and target.home_id == actor.scope_home_id))
    if not allowed:
        raise Forbidden("只有联合组织代表本人或其所在代表之家的管理员可以退出联合组织")
    if target is None:
        raise Conflict("该代表已不是本活动的联合组织代表")
    before = audit.snapshot(activity)
    before["co_organizer_ids"] = sorted(u.id for u in activity.co_organizers)
    counted = summaries.activity_part(activity)
    done = db.session.execute(
        sa.delete(activity_co_organizers)
        .where(activity_co_organizers.c.activity_id == activity.id,
               activity_co_organizers.c.user_id == user_id)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("该代表已不是本活动的联合组织代表")
    db.session.expire(activity, ["co_organizers"])
    sync_activity_contacts(activity)
    summaries.activity_changed(counted, activity)
    after = audit.snapshot(activity)
    after["co_organizer_ids"] = sorted(u.id for u in activity.co_organizers)
    audit.record(actor, "withdraw_co_organizer", activity, before=before, after=after,
                 detail={"representative_id": user_id, "home_id": target.home_id})
    who = "本人" if actor.id == user_id else f"{actor.name}（{target.home.name if target.home else ''}）"
    notifications.notify(
        activity.organizer_id, "joint_activity_withdrawn",
        f"联合组织代表已退出：{activity.title}",
        f"{target.name}已退出活动“{activity.title}”（{activity.date.isoformat()}）的联合组织（操作：{who}）。",
        link=f"/me/activities/{activity.id}")
    return activity


#: The most representatives one search answers (the picker asks again as the name grows).
SEARCH_LIMIT = 20
SEARCH_MAX_LEN = 50


def search_co_organizers(actor: User, q: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Active representatives of the other Homes — not of the actor's own Home (the organiser's:
    its representatives are the form's checkbox list already) — whose name contains `q` (1–50
    characters after trimming; `%` and `_` match themselves), for the co-organiser picker: at most
    `limit`, each `{id, name, home}` — name and Home only, never a mobile or a username.
    Representatives and managers only (Forbidden otherwise); an empty or too long `q` answers no
    one."""
    require_role(actor, Role.REPRESENTATIVE, Role.HOME_MANAGER)
    q = (q or "").strip()
    if not q or len(q) > SEARCH_MAX_LEN or "\x00" in q:
        return []
    own_home = actor.scope_home_id
    rows = db.session.execute(
        sa.select(User.id, User.name, Home.name)
        .join(Home, Home.id == User.home_id)
        .where(User.role == Role.REPRESENTATIVE, User.active.is_(True), User.id != actor.id,
               User.home_id != own_home if own_home is not None else sa.true(),
               User.name.contains(q, autoescape=True))
        .order_by(sa.func.length(User.name), User.name, User.id)
        .limit(max(1, min(limit, SEARCH_LIMIT))))
    return [{"id": uid, "name": name, "home": home} for uid, name, home in rows]
