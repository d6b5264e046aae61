"""A Home's basic conditions (profile, yearly plans and funding, service team) and its validity
(SPEC §5.3: expiry, renewal, revocation)."""
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from extensions import db
from models import Assessment, Home, HomePlan, ServiceTeamMember, User
from models.enums import AssessmentStatus, Grade, HomeStatus, Role
from services import audit, clock
from services import validation as v
from services.concurrency import lock
from services.errors import Collector, Conflict, Forbidden, NotFound
from services.notifications import notify_home
from services.scope import require_role
from services.years import PLAN_YEARS

MAX_FUNDING = Decimal("9999999999.99")


def add_two_years(d: date) -> date:
    """d plus two calendar years; Feb 29 becomes Feb 28 (SPEC §5.2)."""
    try:
        return d.replace(year=d.year + 2)
    except ValueError:  # Feb 29 → a year without it
        return d.replace(year=d.year + 2, day=28)


def require_editor(actor: User, home: Home) -> None:
    """The Home's own managers and provincial admins may change its basic conditions (else 403)."""
    require_role(actor, Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
    if actor.role == Role.HOME_MANAGER and actor.unit_id != home.unit_id:
        raise Forbidden()


def update_profile(actor: User, home: Home, data: dict) -> Home:
    """Venue address, sign, facilities and management rules (基础条件)."""
    require_editor(actor, home)
    errors = Collector()
    venue = v.text(errors, data, "venue_address", "活动场所地址", required=False, max_len=200)
    errors.raise_if_any()
    before = audit.snapshot(home)
    home.venue_address = venue
    home.has_sign = v.boolean(data, "has_sign", home.has_sign)
    home.has_facilities = v.boolean(data, "has_facilities", home.has_facilities)
    home.management_rules = v.boolean(data, "management_rules", home.management_rules)
    db.session.flush()
    audit.record(actor, "update_profile", home, before=before)
    return home


def parse_funding(errors: Collector, data: dict, field: str = "funding") -> Decimal | None:
    """A non-negative amount in yuan with at most two decimals."""
    value = data.get(field)
    if value in (None, ""):
        return Decimal("0")
    if isinstance(value, bool):
        errors.add(field, "专项经费必须是数字")
        return None
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.add(field, "专项经费必须是数字（单位：元）")
        return None
    if not amount.is_finite():
        errors.add(field, "专项经费必须是有限的数字")
        return None
    if amount < 0:
        errors.add(field, "专项经费不能为负数")
        return None
    if amount > MAX_FUNDING:
        errors.add(field, "专项经费数额过大")
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors.add(field, "专项经费最多保留两位小数")
        return None
    return amount


def upsert_plan(actor: User, home: Home, year, data: dict) -> HomePlan:
    """The work plan (年度工作计划) and special funding (专项经费) of one year, created or replaced.
    The Home's row is locked first, so two saves at once both succeed: the second replaces the
    plan the first created (without the lock the second INSERT would meet the unique key: 409)."""
    require_editor(actor, home)
    lock(home)
    errors = Collector()
    year = v.integer(errors, {"year": year}, "year", "年度",
                     minimum=PLAN_YEARS.first, maximum=PLAN_YEARS.last)
    plan_text = v.text(errors, data, "plan", "年度工作计划", required=False, max_len=20000)
    funding = parse_funding(errors, data)
    errors.raise_if_any()
    plan = db.session.scalar(sa.select(HomePlan).where(HomePlan.home_id == home.id,
                                                       HomePlan.year == year))
    before = audit.snapshot(plan) if plan is not None else None
    if plan is None:
        plan = HomePlan(home_id=home.id, year=year)
        db.session.add(plan)
    plan.plan, plan.funding = plan_text, funding
    db.session.flush()
    audit.record(actor, "upsert_plan", plan, before=before)
    return plan


def add_member(actor: User, home: Home, data: dict) -> ServiceTeamMember:
    """Add a member to the service team (服务团队)."""
    require_editor(actor, home)
    errors = Collector()
    name = v.text(errors, data, "name", "姓名", max_len=50)
    duty = v.text(errors, data, "duty", "职责", required=False, max_len=100)
    errors.raise_if_any()
    member = ServiceTeamMember(home_id=home.id, name=name, duty=duty)
    db.session.add(member)
    db.session.flush()
    audit.record(actor, "add_member", member)
    return member


def remove_member(actor: User, home: Home, member_id) -> None:
    """Remove a member of this Home's service team (404 when it is not one)."""
    require_editor(actor, home)
    member = db.session.get(ServiceTeamMember, int(member_id)) if str(member_id).isdigit() else None
    if member is None or member.home_id != home.id:
        raise NotFound()
    before = audit.snapshot(member)
    audit.record(actor, "delete", member, before=before)
    db.session.delete(member)
    db.session.flush()


def latest_published(home_id: int) -> Assessment | None:
    """The published assessment of the latest year, if any."""
    return db.session.scalar(
        sa.select(Assessment).where(Assessment.home_id == home_id,
                                    Assessment.status == AssessmentStatus.PUBLISHED)
        .order_by(Assessment.year.desc()).limit(1))


def renewal_problem(home: Home) -> str | None:
    """Why the Home cannot be renewed now (SPEC §5.3), or None."""
    if home.status != HomeStatus.ACTIVE:
        return f"只有有效的代表之家可以续期（当前状态：{home.status.label}）"
    latest = latest_published(home.id)
    if latest is None:
        return "该代表之家没有已公示的年度考核结果，不能续期"
    if latest.grade == Grade.FAIL:
        return f"该代表之家最近一次公示的考核（{latest.year}年度）等次为不合格，不能续期"
    if home.renewed_for_year is not None and latest.year <= home.renewed_for_year:
        return (f"该代表之家已依据{home.renewed_for_year}年度考核结果续期，"
                "需有新的年度考核结果公示后才能再次续期")
    return None


def renew_home(actor: User, home: Home) -> Home:
    """SPEC §5.3: expires_on += 2 years for an active Home whose latest published assessment
    exists and is not `fail`; otherwise Conflict with the reason. One renewal rests on one published
    result (`renewed_for_year`), and the Home's row is locked before the check: two renewals at
    once add two years once, the second answers 409."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    lock(home)
    problem = renewal_problem(home)
    if problem:
        raise Conflict(problem)
    before = audit.snapshot(home)
    home.renewed_for_year = latest_published(home.id).year
    home.expires_on = add_two_years(home.expires_on or clock.today())
    db.session.flush()
    audit.record(actor, "renew", home, before=before)
    _notify_managers(home, "home_renewed", f"{home.name}有效期已延续",
                     f"有效期至{home.last_valid_day.isoformat()}。")
    return home


def revoke_home(home: Home, actor: User | None = None, reason: str = "") -> Home:
    """Revoke a Home's recognition (撤销认定); idempotent."""
    if home.status == HomeStatus.REVOKED:
        return home
    before = audit.snapshot(home)
    home.status = HomeStatus.REVOKED
    db.session.flush()
    audit.record(actor, "revoke", home, before=before, reason=reason)
    _notify_managers(home, "home_revoked", f"{home.name}的认定已撤销", reason)
    return home


def expire_due(today: date | None = None) -> list[Home]:
    """Mark every active Home with expires_on ≤ today as expired (SPEC §5.3); idempotent."""
    today = today or clock.today()
    due = list(db.session.scalars(
        sa.select(Home).where(Home.status == HomeStatus.ACTIVE, Home.expires_on.is_not(None),
                              Home.expires_on <= today).order_by(Home.id)))
    for home in due:
        before = audit.snapshot(home)
        home.status = HomeStatus.EXPIRED
        db.session.flush()
        audit.record(None, "expire", home, before=before)
        _notify_managers(home, "home_expired", f"{home.name}的认定已到期",
                         f"有效期至{home.last_valid_day.isoformat()}，已到期，请联系省科协办理续期或重新申报。",
                         dedupe_key=f"home_expired:{home.id}:{home.expires_on.isoformat()}")
    return due


def expiring_within(today: date | None, days: int) -> list[Home]:
    """Active Homes with today < expires_on ≤ today + days."""
    today = today or clock.today()
    return list(db.session.scalars(
        sa.select(Home).where(Home.status == HomeStatus.ACTIVE, Home.expires_on > today,
                              Home.expires_on <= today + timedelta(days=days))
        .order_by(Home.expires_on, Home.id)))


def _notify_managers(home: Home, kind: str, title: str, body: str = "", dedupe_key=None):
    notify_home(home.id, kind, title, body, link=f"/home/{home.id}", dedupe_key=dedupe_key)
