"""公示异议 (SPEC §5.6): objections to a published assessment during its publicity window, the
provincial office's decision on each, and what upholding does to the assessment.

- Anyone files an objection (name ≤ 50, contact ≤ 100, text 1–2000) on a `published` assessment
  while publicity_start ≤ today ≤ publicity_end (Asia/Shanghai); otherwise Conflict (409). An
  assessment that is not published is NotFound (404) to the public.
- A provincial admin decides each objection once: `uphold` or `dismiss` with a required response.
  The decision is a conditional UPDATE (… WHERE decision IS NULL): of two racing decisions one
  wins, the other is a Conflict.
- Upholding withdraws the result: the assessment returns to `draft`, its publicity dates are
  cleared (so anonymous reads answer 404 and publicity_close no longer acts on it). Dismissing
  changes nothing else.
- services.assessments.close_publicity skips an assessment while one of its objections is
  undecided (`undecided_exists`).
"""
from datetime import date

import sqlalchemy as sa
from flask import url_for

from extensions import db
from models import Assessment, Objection, User
from models.base import utcnow
from models.enums import AssessmentStatus, ObjectionDecision, Role
from services import audit, clock
from services import validation as v
from services.errors import Collector, Conflict, NotFound
from services.notifications import notify_home, notify_office
from services.receipts import looks_like_receipt, new_receipt, normalize_receipt
from services.scope import require_role

NAME_MAX = 50
CONTACT_MAX = 100
TEXT_MAX = 2000
RESPONSE_MAX = 5000


def undecided_exists():
    """EXISTS (an undecided objection to the outer query's Assessment) — for publicity_close."""
    return (sa.select(Objection.id)
            .where(Objection.assessment_id == Assessment.id, Objection.decision.is_(None))
            .exists())


def published_assessment(assessment_id) -> Assessment:
    """The assessment if it is published; NotFound otherwise (the public sees nothing else)."""
    try:
        assessment_id = int(assessment_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    a = db.session.scalar(sa.select(Assessment).options(sa.orm.joinedload(Assessment.home))
                          .where(Assessment.id == assessment_id,
                                 Assessment.status == AssessmentStatus.PUBLISHED))
    if a is None:
        raise NotFound()
    return a


def window_open(a: Assessment, today: date) -> bool:
    """publicity_start ≤ today ≤ publicity_end (both inclusive)."""
    return (a.status == AssessmentStatus.PUBLISHED and a.publicity_start is not None
            and a.publicity_end is not None and a.publicity_start <= today <= a.publicity_end)


def _plain(errors: Collector, data: dict, field: str, label: str, **kw) -> str:
    value = v.text(errors, data, field, label, **kw)
    if "\x00" in value:
        errors.add(field, f"{label}含有无效字符")
    return value


def file_objection(assessment_id, data: dict, today: date | None = None) -> Objection:
    """File an objection (anonymous) with a fresh receipt (`objection.receipt`, SPEC §5.6).
    NotFound unless published; Conflict outside the window; ValidationFailed naming `name`,
    `contact`, `text`."""
    a = published_assessment(assessment_id)
    today = today or clock.today()
    if not window_open(a, today):
        raise Conflict(f"异议受理期为{a.publicity_start.isoformat()}至"
                       f"{a.publicity_end.isoformat()}，当前不在受理期内")
    errors = Collector()
    name = _plain(errors, data, "name", "姓名", max_len=NAME_MAX)
    contact = _plain(errors, data, "contact", "联系方式", max_len=CONTACT_MAX)
    text = _plain(errors, data, "text", "异议内容", max_len=TEXT_MAX)
    errors.raise_if_any()
    objection = Objection(assessment_id=a.id, name=name, contact=contact, text=text,
                          receipt=new_receipt(), filed_at=utcnow())
    db.session.add(objection)
    audit.record(None, "create_public", objection)
    title = f"收到对{a.home.name}{a.year}年度考核结果的公示异议"
    notify_office("objection_filed", title, text[:200], _link("provincial.objections"),
                  counts={"count": 1})
    return objection


def decide_objection(actor: User, objection: Objection, data: dict) -> Objection:
    """Uphold or dismiss an undecided objection with a response (provincial admins).

    Forbidden for other roles; ValidationFailed naming `decision` / `response`; Conflict when the
    objection already has a decision (also when another decision won a race)."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    errors = Collector()
    decision = v.choice(errors, data, "decision", "处理结果", ObjectionDecision)
    response = _plain(errors, data, "response", "答复", max_len=RESPONSE_MAX)
    errors.raise_if_any()
    before = audit.snapshot(objection)
    done = db.session.execute(
        sa.update(Objection)
        .where(Objection.id == objection.id, Objection.decision.is_(None))
        .values(decision=decision, response=response, decided_by_id=actor.id,
                decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("该异议已处理，不能重复处理")
    db.session.refresh(objection)
    audit.record(actor, f"decide_{decision.value}", objection, before=before)
    a = db.session.get(Assessment, objection.assessment_id)
    if decision == ObjectionDecision.UPHOLD:
        withdraw_publication(actor, a, reason=response)
    verdict = "异议成立，考核结果已撤回重新考核" if decision == ObjectionDecision.UPHOLD \
        else "异议不成立，维持考核结果"
    notify_home(a.home_id, f"objection_{decision.value}", f"{a.year}年度考核结果公示异议：{verdict}",
                response[:200], _link("public.results", year=a.year))
    return objection


def _link(endpoint: str, **values) -> str:
    try:
        return url_for(endpoint, **values)
    except Exception:  # outside a request
        return ""


def withdraw_publication(actor: User, a: Assessment, *, reason: str = "") -> bool:
    """Published → draft with the publicity dates cleared (SPEC §5.6); False when it was no longer
    published (another objection withdrew it first). A conditional UPDATE, like decide."""
    db.session.flush()
    before = audit.snapshot(a)
    done = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == a.id, Assessment.status == AssessmentStatus.PUBLISHED)
        .values(status=AssessmentStatus.DRAFT, publicity_start=None, publicity_end=None,
                published_at=None, finalized_at=None, effects_applied_on=None,
                updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        return False
    db.session.refresh(a)
    audit.record(actor, "withdraw", a, before=before, reason=reason)
    return True


def objections_for_assessment(actor: User, assessment_id) -> sa.Select:
    """SELECT of an assessment's objections, oldest first (admins; NotFound for no assessment)."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    try:
        assessment_id = int(assessment_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    if db.session.get(Assessment, assessment_id) is None:
        raise NotFound()
    return (sa.select(Objection).where(Objection.assessment_id == assessment_id)
            .order_by(Objection.filed_at, Objection.id))


def get_objection(actor: User, objection_id) -> Objection:
    """One objection (admins: Forbidden for other roles, NotFound when there is none)."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    try:
        objection_id = int(objection_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    objection = db.session.get(Objection, objection_id)
    if objection is None:
        raise NotFound()
    return objection


def all_objections(actor: User) -> sa.Select:
    """SELECT of every objection for the provincial page: undecided first, newest first."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    undecided_first = sa.case((Objection.decision.is_(None), 0), else_=1)
    return (sa.select(Objection)
            .options(sa.orm.joinedload(Objection.assessment).joinedload(Assessment.home),
                     sa.orm.joinedload(Objection.decided_by))
            .order_by(undecided_first, Objection.filed_at.desc(), Objection.id.desc()))


def open_for_objection(today: date) -> list[Assessment]:
    """Published assessments whose window is open today (the public form's choices) — one query."""
    return list(db.session.scalars(
        sa.select(Assessment).options(sa.orm.joinedload(Assessment.home))
        .where(Assessment.status == AssessmentStatus.PUBLISHED,
               Assessment.publicity_start <= today, Assessment.publicity_end >= today)
        .order_by(Assessment.year.desc(), Assessment.id)))


def track_objection(receipt) -> Objection:
    """The objection with this receipt (as typed: normalised first); NotFound for anything else.
    Found whatever became of its assessment since: the filer always reads the decision."""
    receipt = normalize_receipt(receipt)
    objection = (db.session.scalar(sa.select(Objection).where(Objection.receipt == receipt))
                 if looks_like_receipt(receipt) else None)
    if objection is None:
        raise NotFound("查询码不存在")
    return objection


def objection_public_view(objection: Objection) -> dict:
    """What a receipt shows (SPEC §5.6), nothing else: {status: "received" | "decided",
    filed_on: date (Asia/Shanghai), decision: "uphold" | "dismiss" | None, response: str}."""
    decided = objection.decision is not None
    return {"status": "decided" if decided else "received",
            "filed_on": clock.local(objection.filed_at).date(),
            "decision": objection.decision.value if decided else None,
            "response": objection.response if decided else ""}
