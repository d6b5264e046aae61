"""Template filters and globals: enum labels, masked mobiles, local times, role navigation."""
import sqlalchemy as sa
from flask import current_app, url_for
from flask_login import current_user

from extensions import db
from models import Activity, Notification, User, enums
from services import accounts, activities
from services.clock import local, today
from services.errors import Forbidden
from services.privacy import mask_mobile

#: Navigation per role: (label, endpoint). Entries whose endpoint does not exist yet are skipped.
NAVIGATION = {
    enums.Role.REPRESENTATIVE: [
        ("我的", "rep.me"),
        ("我的进度", "dashboard.representative"),
        ("记录活动", "activities.new"),
        ("我的活动", "activities.mine"),
        ("科技工作者", "rep.workers"),
        ("诉求建议", "rep.appeals"),
        ("需求对接", "needs.index"),
        ("履职档案", "records.mine"),
    ],
    enums.Role.HOME_MANAGER: [
        ("工作台", "dashboard.home"),
        ("审核队列", "activities.queue"),
        ("活动", "activities.index"),
        ("代表", "manage.representatives"),
        ("诉求建议", "manage.appeals"),
        ("需求对接", "needs.index"),
        ("基础条件", "homes.profile"),
        ("申报", "applications.index"),
        ("问卷调查", "surveys.index"),
    ],
    enums.Role.PROVINCIAL_ADMIN: [
        ("全省概览", "dashboard.province"),
        ("申报批次", "provincial.rounds"),
        ("申报审核", "provincial.review"),
        ("代表之家", "provincial.homes"),
        ("活动", "activities.index"),
        ("年度考核", "provincial.assessments"),
        ("公示异议", "provincial.objections"),
        ("需求对接", "needs.index"),
        ("经费奖补", "subsidies.index"),
        ("问卷调查", "surveys.index"),
        ("账号", "admin.users"),
        ("单位", "admin.units"),
        ("任务", "jobs_admin.runs"),
    ],
    # A city association (SPEC §5.12): its city's Homes, read-only.
    enums.Role.CITY_ADMIN: [
        ("本市概览", "dashboard.city"),
        ("代表之家", "provincial.homes"),
        ("活动", "activities.index"),
        ("代表", "records.representatives"),
        ("诉求建议", "provincial.appeals"),
        ("需求对接", "needs.index"),
        ("问卷调查", "surveys.index"),
    ],
    # The three separated administrators (三员分立, SPEC §5.13): only their own duty.
    enums.Role.SYSTEM_ADMIN: [
        ("管理员账号", "sysadmin.users"),
        ("任务", "jobs_admin.runs"),
    ],
    enums.Role.SECURITY_ADMIN: [
        ("账号安全", "security.users"),
        ("安全设置", "security.settings"),
    ],
    enums.Role.AUDIT_ADMIN: [
        ("审计日志", "audit.index"),
    ],
    # A manager whose unit has no Home yet (it is applying): only what applies to them.
    "applying_manager": [
        ("申报", "applications.index"),
    ],
    None: [
        ("代表之家名录", "public.homes"),
        ("考核公示", "public.results"),
        ("活动报道", "public.reports"),
        ("提交需求", "need_public.new"),
        ("进度查询", "qr.track_form"),
    ],
}


def endpoint_exists(endpoint: str) -> bool:
    return endpoint in current_app.view_functions


def nav_role(user):
    """The NAVIGATION key of a user: their role, "applying_manager" for a manager without a Home,
    None for visitors."""
    if user is None or not user.is_authenticated:
        return None
    if user.role == enums.Role.HOME_MANAGER and user.scope_home_id is None:
        return "applying_manager"
    return user.role


def nav_items():
    """The navigation of the signed-in user's role (public links for visitors)."""
    role = nav_role(current_user)
    return [(label, endpoint, url_for(endpoint)) for label, endpoint in NAVIGATION.get(role, [])
            if endpoint_exists(endpoint)]


def unread_count() -> int:
    """Unread notifications of the signed-in user (one COUNT query)."""
    if not current_user.is_authenticated:
        return 0
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == current_user.id, Notification.read_at.is_(None))) or 0


def label(value, enum_name: str | None = None):
    """The Chinese label of an enum member (or of a raw value with the enum's name)."""
    if value is None:
        return ""
    if hasattr(value, "label"):
        return value.label
    if enum_name:
        try:
            return getattr(enums, enum_name)(value).label
        except (AttributeError, ValueError):
            pass
    return str(value)


def can(action: str, obj) -> bool:
    """Template global: may the signed-in user do `action` to `obj`? The same predicates the
    services enforce (services.activities.can for an Activity; for a User, action "manage": edit,
    deactivate, reset — services.accounts.require_manageable, 三员分立); False when nobody is
    signed in."""
    if not current_user.is_authenticated:
        return False
    if isinstance(obj, Activity):
        return activities.can(current_user, action, obj)
    if isinstance(obj, User) and action == "manage":
        try:
            accounts.require_manageable(current_user, obj)
        except Forbidden:
            return False
        return True
    raise TypeError(f"no permission predicates for {type(obj).__name__}")


def may(endpoint: str, method: str = "POST") -> bool:
    """Template global: may the signed-in user send `method` to `endpoint` at all? The same two
    rules that answer 403 before a view runs: the separation gate (blueprints/separation.py: the
    separated administrators' duties, a city administrator's reads, own account and reminder) and
    the view's `roles_required`. A page shows a form, button or action link only when `may` says
    so; per-object rules (an activity's edit or review) are `can(action, obj)`. False for an
    unknown endpoint and for visitors."""
    from blueprints.separation import permits
    if not current_user.is_authenticated:
        return False
    view = current_app.view_functions.get(endpoint)
    if view is None:
        return False
    roles = getattr(view, "allowed_roles", None)
    if roles is not None and current_user.role not in roles:
        return False
    return permits(current_user, endpoint, method)


def activity_url(activity) -> str:
    """Where a link to `activity` goes for the signed-in user: the review page for those who
    review it (the provincial office, a manager of its Home), its read page for everyone else."""
    reviewer = (current_user.is_authenticated and may("activities.review", "GET")
                and (current_user.role == enums.Role.PROVINCIAL_ADMIN
                     or current_user.scope_home_id == activity.home_id))
    return url_for("activities.review" if reviewer else "activities.detail",
                   activity_id=activity.id)


def register(app):
    from blueprints import display
    from blueprints.web.todo import todo_items
    display.register(app)
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["mask_mobile"] = mask_mobile
    app.jinja_env.filters["local"] = lambda dt, fmt="%Y-%m-%d %H:%M": (
        local(dt).strftime(fmt) if dt else "")
    app.jinja_env.globals.update(nav_items=nav_items, unread_count=unread_count,
                                 endpoint_exists=endpoint_exists, enums=enums, today=today,
                                 can=can, may=may, activity_url=activity_url,
                                 todo_items=todo_items)
