"""Who may see what (SPEC §4), written once as a query filter per role and model.

Lists and single objects share it: a list is `scoped(Model, user)`; a single object is
`get_scoped(Model, id, user)`, which raises NotFound for anything outside the caller's scope.
Role checks for actions are `require_role`, which raises Forbidden (403).

A city administrator (SPEC §5.12) sees, read-only, every Home whose host unit is in its city
(`Unit.city == user.city`) and everything of those Homes; a new model or route gets city scope by
narrowing to `visible_home_ids(user)` (or `city_home_ids(city)`) the way the rules below do.
"""
import sqlalchemy as sa

from extensions import db
from models import (
    Activity,
    Appeal,
    Application,
    ApplicationRound,
    Assessment,
    ContactRecord,
    Home,
    Notification,
    Unit,
    User,
    Worker,
    WorkerLink,
    activity_co_organizers,
)
from models.enums import (
    ADMINISTRATOR_ACCOUNT_ROLES,
    JIANGSU_CITIES,
    SEPARATED_ROLES,
    AssessmentStatus,
    Role,
)
from services.errors import Forbidden, NotFound, ValidationFailed

_FALSE = sa.false()
_TRUE = sa.true()


def _role(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


def _manager_home_ids(user):
    return sa.select(Home.id).where(Home.unit_id == user.unit_id).scalar_subquery()


def city_home_ids(city: str | None):
    """SELECT Home.id of the Homes whose host unit lies in `city` (none for None): a subquery."""
    return (sa.select(Home.id).join(Unit, Unit.id == Home.unit_id)
            .where(Unit.city == city if city else _FALSE))


def visible_home_ids(user):
    """The Homes whose objects the user may read, as a SELECT of ids — or None for every Home
    (a provincial admin). A city admin: its city's Homes; a manager: its unit's Home; a
    representative: their own; anyone else (anonymous, the separated administrators): none.
    For a domain that hangs off a Home (needs dispatched to a Home, …): `Model.home_id.in_(…)`."""
    role = _role(user)
    if role == Role.PROVINCIAL_ADMIN:
        return None
    if role == Role.CITY_ADMIN:
        return city_home_ids(user.city)
    if role == Role.HOME_MANAGER:
        return sa.select(Home.id).where(Home.unit_id == user.unit_id)
    if role == Role.REPRESENTATIVE and user.home_id is not None:
        return sa.select(Home.id).where(Home.id == user.home_id)
    return sa.select(Home.id).where(_FALSE)


def scoped_city(user, city: str | None) -> str | None:
    """The 设区市 a city-level view (dashboard, figures) shows the user: `city` when given and in
    scope — any of the 13 for a provincial admin, its own for a city admin; without one, a city
    admin's own city and None for everyone else. A value that is not one of JIANGSU_CITIES is
    ValidationFailed naming `city`; another city, or a city for anyone else, NotFound (404)."""
    role = _role(user)
    if city in (None, ""):
        return user.city if role == Role.CITY_ADMIN else None
    if city not in JIANGSU_CITIES:
        raise ValidationFailed({"city": ["设区市须为江苏省13个设区市之一（如：南京市）"]})
    if role == Role.PROVINCIAL_ADMIN or (role == Role.CITY_ADMIN and city == user.city):
        return city
    raise NotFound()


def is_city_admin(user) -> bool:
    """Whether the user is a city administrator (read-only over its city's Homes)."""
    return _role(user) == Role.CITY_ADMIN


def _home_rep_ids(home_ids):
    return sa.select(User.id).where(User.home_id.in_(home_ids), User.role == Role.REPRESENTATIVE)


def scope_clause(model, user):
    """The WHERE clause that keeps only the rows of `model` the user may see."""
    role = _role(user)
    if role == Role.PROVINCIAL_ADMIN:
        return _TRUE
    if role in SEPARATED_ROLES:
        return _separated_clause(model, user)
    if role is None:
        if model is Assessment:
            return Assessment.status == AssessmentStatus.PUBLISHED
        return _FALSE

    if role in (Role.HOME_MANAGER, Role.CITY_ADMIN):
        rules = _home_rules(user)
    else:  # representative
        rules = _representative_rules(user)
    rule = rules.get(model)
    if rule is None:  # AuditLog, JobRun and anything unlisted: provincial admins only
        return _FALSE
    return rule()


def _home_rules(user) -> dict:
    """A manager's rules over its unit's Home, or a city admin's over its city's Homes."""
    if user.role == Role.CITY_ADMIN:
        home_ids = city_home_ids(user.city)
        units = Unit.city == user.city if user.city else _FALSE
        unit_ids = sa.select(Unit.id).where(units)
        own_unit = lambda: units  # noqa: E731
        managers = lambda: sa.and_(User.role == Role.HOME_MANAGER,  # noqa: E731
                                   User.unit_id.in_(unit_ids))
        applications = lambda: Application.unit_id.in_(unit_ids)  # noqa: E731
        homes = lambda: Home.id.in_(home_ids)  # noqa: E731
    else:
        home_ids = sa.select(Home.id).where(Home.unit_id == user.unit_id)
        own_unit = lambda: Unit.id == user.unit_id  # noqa: E731
        managers = lambda: sa.and_(User.role == Role.HOME_MANAGER,  # noqa: E731
                                   User.unit_id == user.unit_id)
        applications = lambda: Application.unit_id == user.unit_id  # noqa: E731
        homes = lambda: Home.unit_id == user.unit_id  # noqa: E731
    return {
        Unit: own_unit,
        Home: homes,
        User: lambda: sa.or_(
            User.id == user.id,
            managers(),
            sa.and_(User.role == Role.REPRESENTATIVE, User.home_id.in_(home_ids)),
        ),
        Activity: lambda: Activity.home_id.in_(home_ids),
        Appeal: lambda: Appeal.home_id.in_(home_ids),
        Worker: lambda: Worker.id.in_(
            sa.select(WorkerLink.worker_id).where(
                WorkerLink.representative_id.in_(_home_rep_ids(home_ids)))),
        ContactRecord: lambda: ContactRecord.representative_id.in_(_home_rep_ids(home_ids)),
        Application: applications,
        Assessment: lambda: sa.or_(Assessment.home_id.in_(home_ids),
                                   Assessment.status == AssessmentStatus.PUBLISHED),
        ApplicationRound: lambda: _TRUE,
        Notification: lambda: Notification.user_id == user.id,
    }


def _representative_rules(user) -> dict:
    """A representative's rules: their own things and their Home."""
    return {
        Unit: lambda: Unit.id.in_(sa.select(Home.unit_id).where(Home.id == user.home_id)),
        Home: lambda: Home.id == user.home_id,
        User: lambda: User.id == user.id,
        Activity: lambda: sa.or_(
            Activity.organizer_id == user.id,
            Activity.id.in_(sa.select(activity_co_organizers.c.activity_id).where(
                activity_co_organizers.c.user_id == user.id)),
        ),
        Appeal: lambda: Appeal.representative_id == user.id,
        Worker: lambda: Worker.id.in_(
            sa.select(WorkerLink.worker_id).where(WorkerLink.representative_id == user.id)),
        ContactRecord: lambda: ContactRecord.representative_id == user.id,
        Application: lambda: _FALSE,
        Assessment: lambda: sa.or_(Assessment.home_id == user.home_id,
                                   Assessment.status == AssessmentStatus.PUBLISHED),
        ApplicationRound: lambda: _TRUE,
        Notification: lambda: Notification.user_id == user.id,
    }


def _separated_clause(model, user):
    """The separated administrators see accounts as their work needs and their own notifications;
    any business object is refused outright (403, the same for every id, SPEC §4, §5.13)."""
    if model is Notification:
        return Notification.user_id == user.id
    if model is User:
        if user.role == Role.SYSTEM_ADMIN:
            return User.role.in_(sorted(ADMINISTRATOR_ACCOUNT_ROLES))
        if user.role == Role.SECURITY_ADMIN:
            return _TRUE
        return User.id == user.id
    raise Forbidden("系统、安全和审计管理员不办理业务（三员分立）")


def scoped(model, user):
    """`select(model)` restricted to the user's scope."""
    return sa.select(model).where(scope_clause(model, user))


def get_scoped(model, object_id, user, *, options=()):
    """The object if it exists and the user may see it; otherwise NotFound (404)."""
    return get_where(model, object_id, scope_clause(model, user), options=options)


def get_where(model, object_id, visible, *, options=()):
    """The `model` row with primary key `object_id` (anything int() takes) for which the SQL
    clause `visible` holds, loaded with `options`, in one statement; NotFound (404) when the id is
    not a number, the row does not exist or `visible` excludes it — a reader never learns which."""
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    stmt = sa.select(model).where(sa.inspect(model).primary_key[0] == object_id, visible)
    if options:
        stmt = stmt.options(*options)
    obj = db.session.scalar(stmt)
    if obj is None:
        raise NotFound()
    return obj


def require_role(user, *roles):
    """Forbidden (403) unless the user has one of `roles`."""
    if _role(user) not in roles:
        raise Forbidden()


__all__ = ["city_home_ids", "get_scoped", "get_where", "is_city_admin", "require_role", "scope_clause",
           "scoped", "scoped_city", "visible_home_ids"]
