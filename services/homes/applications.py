"""Applications (申报书) of host units to become a Home, and their review (SPEC §5.2)."""
from datetime import date

import sqlalchemy as sa

from extensions import db
from models import Application, ApplicationRound, Home, Unit, User
from models.base import utcnow
from models.enums import ApplicationStatus, HomeStatus, Role
from services import audit, clock
from services import validation as v
from services.concurrency import lock
from services.errors import Collector, Conflict, Forbidden
from services.homes.validity import add_two_years
from services.notifications import notify, notify_office
from services.scope import require_role

MIN_SCHEME_LENGTH = 1000
# The official form's wording (SPEC §3), exactly: the pledge of 单位意见, its seal lines, and the
# guidance printed in the 申报方案 box.
PLEDGE_TEXT = ("我单位保证申报材料真实、合法、有效，愿意按照法律、法规和政策的有关规定，"
               "接受监督和评估，并承担相应责任。")
SEAL_LINE = "（单位盖章）"
DATE_LINE = "年    月    日"
SCHEME_GUIDANCE = ("简述本单位建设科协代表之家的基础条件（场所、标识、设施）、工作机制、年度工作计划、"
                   "经费保障及“代表+党建”“代表+窗口”“代表+邻里”“代表+创新”活动安排，字数不少于1000字。")
EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)
DECISIONS = {"approve": ApplicationStatus.APPROVED, "reject": ApplicationStatus.REJECTED,
             "return": ApplicationStatus.RETURNED}
DECISION_LABELS = {"approve": "认定", "reject": "不予认定", "return": "退回修改"}


def scheme_length(text: str | None) -> int:
    """SPEC §5.2: the number of characters once every Unicode whitespace is removed."""
    return sum(1 for ch in (text or "") if not ch.isspace())


def active_home(unit_id: int | None) -> Home | None:
    """The unit's Home while it is `active`, else None: such a unit cannot submit (SPEC §5.2,
    已成功申报单位不再申报) until the daily job marks the Home expired (expires_on ≤ today)."""
    if unit_id is None:
        return None
    return db.session.scalar(sa.select(Home).where(Home.unit_id == unit_id,
                                                   Home.status == HomeStatus.ACTIVE))


def submittable_rounds(rounds: list[ApplicationRound], home: Home | None) -> list:
    """Of the open `rounds`, those in which the unit could still submit: all of them without an
    active Home; with one, only rounds whose deadline falls on or after the Home's expires_on
    (the first day it is no longer valid), since submissions are refused while it is active."""
    if home is None:
        return list(rounds)
    if home.expires_on is None:
        return []
    return [r for r in rounds if r.deadline >= home.expires_on]


def _require_unit_manager(actor: User, application: Application | None = None) -> None:
    require_role(actor, Role.HOME_MANAGER)
    if application is not None and application.unit_id != actor.unit_id:
        raise Forbidden()


def _fields(data: dict, errors: Collector, partial: bool, current: Application | None) -> dict:
    """The editable fields present in `data` (all of them when not partial), checked for form."""
    out = {}
    specs = {
        "scheme": lambda: v.text(errors, data, "scheme", "申报方案", required=False,
                                 max_len=50000),
        "contact_name": lambda: v.text(errors, data, "contact_name", "联系人", required=False,
                                       max_len=50),
        "contact_mobile": lambda: v.mobile(errors, data, "contact_mobile", "联系人手机"),
        "fax": lambda: v.text(errors, data, "fax", "传真", required=False, max_len=30),
        "email": lambda: v.email(errors, data, "email", "电子信箱"),
        "pledge": lambda: v.boolean(data, "pledge"),
    }
    for name, check in specs.items():
        if not partial or name in data:
            out[name] = check()
    return out


def create_application(actor: User, data: dict) -> Application:
    """A draft application of the manager's unit; a second live one in the round → Conflict."""
    _require_unit_manager(actor)
    errors = Collector()
    round_id = v.integer(errors, data, "round_id", "申报批次", minimum=1, maximum=2**31 - 1)
    if round_id is not None and db.session.get(ApplicationRound, round_id) is None:
        errors.add("round_id", "申报批次不存在")
    values = _fields(data, errors, partial=False, current=None)
    errors.raise_if_any()
    live = db.session.scalar(sa.select(Application.id).where(
        Application.unit_id == actor.unit_id, Application.round_id == round_id,
        Application.status != ApplicationStatus.REJECTED))
    if live:  # uq_applications_live_unit_round holds the same rule for racing requests
        message = "本单位在该批次已有申报书（未被驳回的申报书只能有一份），请修改原申报书"
        raise Conflict(message, {"round_id": [message]})
    application = Application(unit_id=actor.unit_id, round_id=round_id, created_by_id=actor.id,
                              status=ApplicationStatus.DRAFT, **values)
    db.session.add(application)
    db.session.flush()
    audit.record(actor, "create", application)
    return application


def update_application(actor: User, application: Application, data: dict) -> Application:
    """Change a draft or returned application (others answer Conflict)."""
    _require_unit_manager(actor, application)
    lock(application)
    if application.status not in EDITABLE:
        raise Conflict(f"申报书当前状态为“{application.status.label}”，只有草稿或退回修改的申报书可以修改")
    errors = Collector()
    values = _fields(data, errors, partial=True, current=application)
    errors.raise_if_any()
    before = audit.snapshot(application)
    for key, value in values.items():
        setattr(application, key, value)
    db.session.flush()
    audit.record(actor, "update", application, before=before)
    return application


def submit_application(actor: User, application: Application, today: date | None = None) -> Application:
    """SPEC §5.2: 422 naming each lacking field; 409 past the deadline (the deadline day itself is
    accepted, Asia/Shanghai) or while the unit's Home is active. Racing submits: one wins, 409."""
    _require_unit_manager(actor, application)
    lock(application)
    if application.status not in EDITABLE:
        raise Conflict(f"申报书当前状态为“{application.status.label}”，不能提交")
    errors = Collector()
    length = scheme_length(application.scheme)
    errors.check(length >= MIN_SCHEME_LENGTH, "scheme",
                 f"申报方案不少于{MIN_SCHEME_LENGTH}字（不计空白字符，当前{length}字）")
    errors.check(bool(application.pledge), "pledge", "请确认单位意见承诺：" + PLEDGE_TEXT)
    errors.check(bool((application.contact_name or "").strip()), "contact_name", "请填写联系人")
    mobile = (application.contact_mobile or "").strip()
    if not mobile:
        errors.add("contact_mobile", "请填写联系人手机")
    elif v.normalize_mobile(mobile) is None:
        errors.add("contact_mobile", "联系人手机应为11位中国大陆手机号")
    errors.raise_if_any()
    today = today or clock.today()
    rnd = application.round
    if today > rnd.deadline:
        raise Conflict(f"{rnd.year}年度申报已于{rnd.deadline.isoformat()}截止，不能再提交")
    home = db.session.scalar(sa.select(Home).where(Home.unit_id == application.unit_id))
    if home is not None and home.status == HomeStatus.ACTIVE:
        raise Conflict("本单位的代表之家处于有效期内，已成功申报单位不再申报")
    before = audit.snapshot(application)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = utcnow()
    db.session.flush()
    audit.record(actor, "submit", application, before=before)
    unit_name = db.session.scalar(sa.select(Unit.name).where(Unit.id == application.unit_id))
    notify_office("application_submitted", f"{unit_name}提交了{rnd.year}年度申报书",
                  link="/province/review", counts={"count": 1})
    return application


def approved_count(round_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Application.id)).where(
        Application.round_id == round_id,
        Application.status == ApplicationStatus.APPROVED)) or 0


def review_application(actor: User, application: Application, data: dict,
           today: date | None = None) -> tuple[Application, Home | None]:
    """Approve, reject or return a submitted application with the provincial opinion.
    Approving (within the round's quota) creates or reactivates the unit's Home.

    Racing reviews are served one after the other: the application's row is locked before its
    status is checked, and an approval also locks the round's row before counting its approvals,
    so a quota of 1 gives one 200 and one 409 however many admins approve at once."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    errors = Collector()
    decision = data.get("decision")
    if decision not in DECISIONS:
        errors.add("decision", "审核结论无效，可选：approve（认定）、reject（不予认定）、return（退回修改）")
    opinion = v.text(errors, data, "opinion", "省科协意见", required=False, max_len=5000)
    if decision in ("reject", "return") and not opinion:
        errors.add("opinion", "不予认定或退回修改时请填写省科协意见")
    errors.raise_if_any()
    lock(application)
    if application.status != ApplicationStatus.SUBMITTED:
        raise Conflict(f"申报书当前状态为“{application.status.label}”，只有已提交的申报书可以审核")
    rnd = application.round
    if decision == "approve":
        lock(rnd)  # the row that guards the quota (always after the application: no deadlock)
    if decision == "approve" and approved_count(rnd.id) >= rnd.quota:
        raise Conflict(f"{rnd.year}年度认定名额（{rnd.quota}个）已满，不能再认定")
    today = today or clock.today()
    before = audit.snapshot(application)
    application.status = DECISIONS[decision]
    application.opinion = opinion
    application.reviewer_id = actor.id
    application.reviewed_at = utcnow()
    db.session.flush()
    audit.record(actor, decision, application, before=before)
    home = _recognise(actor, application, today) if decision == "approve" else None
    title = f"{rnd.year}年度申报书审核结果：{DECISION_LABELS[decision]}"
    for manager in unit_managers(application.unit_id):
        notify(manager, "application_" + decision, title, opinion, link="/applications/")
    return application, home


def _recognise(actor: User, application: Application, today: date) -> Home:
    """Create or reactivate the unit's Home: active, recognised today, valid two years."""
    home = db.session.scalar(sa.select(Home).where(Home.unit_id == application.unit_id))
    before = audit.snapshot(home) if home is not None else None
    if home is None:
        unit = db.session.get(Unit, application.unit_id)
        home = Home(unit_id=unit.id, name=f"{unit.name}代表之家"[:100])
        db.session.add(home)
    home.status = HomeStatus.ACTIVE
    home.recognized_on = today
    home.expires_on = add_two_years(today)
    db.session.flush()
    audit.record(actor, "recognize", home, before=before)
    return home


def unit_managers(unit_id: int) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.unit_id == unit_id, User.role == Role.HOME_MANAGER, User.active.is_(True))))
