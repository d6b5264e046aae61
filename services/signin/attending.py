"""Signing in (SPEC §5.9): anyone on /s/{code} or POST /public/signin/{code}, or the organiser
for a person without a phone (代签).

- `name` (required, ≤ 50), `mobile` (required; normalised as everywhere: +86, spaces, dashes and
  full-width digits removed, 11 digits starting with 1), `work_unit` and `field` (≤ 100 each),
  `is_worker` (我是科技工作者).
- One row per normalised mobile and activity: the same mobile again answers the same attendee
  number and writes nothing. Sign-ins of one activity run one after the other under its sign-in
  row's lock, which also hands out the attendee numbers; the unique (activity, mobile) holds too.
- Unknown code: NotFound (404); closed (by hand or past `closes_at`): Conflict 签到已结束 (409).
  A filled honeypot is answered as accepted and stores nothing.
- A 科技工作者 becomes a linked worker of the activity through SPEC §3's identity rule: the worker
  with that mobile and the same normalised name is linked (its stored fields never change), or a
  new worker is created; a mobile registered under another name links nothing, and the attendance
  row says so. The organiser (when a representative) links the worker too. For a submitted or
  verified activity the §5.1 contact records follow at once; a draft's follow when it is submitted.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import Activity, ActivitySignin, Attendee, User, Worker, WorkerLink
from models.enums import Role
from services import activities, audit, clock, contacts
from services import validation as v
from services.concurrency import lock
from services.constraints import is_unique_violation
from services.errors import Collector, Conflict, Forbidden
from services.signin.opening import ENDED, is_open, signin_by_code, signin_of
from services.signin.permissions import can_proxy

#: The form field a person never sees (hidden by CSS); bots fill it in.
HONEYPOT = "website"
NAME_MAX = 50
TEXT_MAX = 100


@dataclass(frozen=True)
class SigninResult:
    """What a sign-in answers: the attendee number, the activity's title, and whether this call
    created the row (201) or found the mobile already signed in (200)."""

    attendee_no: int
    activity_title: str
    created: bool


def _honeypot(data) -> bool:
    value = data.get(HONEYPOT)
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, "")


def _plain(errors: Collector, data: dict, field: str, label: str, **kw) -> str:
    value = v.text(errors, data, field, label, **kw)
    if "\x00" in value:
        errors.add(field, f"{label}含有无效字符")
    return value


def _validate(data: dict, *, mobile_required: bool) -> dict:
    errors = Collector()
    out = {
        "name": _plain(errors, data, "name", "姓名", max_len=NAME_MAX),
        "mobile": v.mobile(errors, data, required=mobile_required),
        "work_unit": _plain(errors, data, "work_unit", "工作单位", required=False, max_len=TEXT_MAX),
        "field": _plain(errors, data, "field", "从事领域", required=False, max_len=TEXT_MAX),
    }
    raw = data.get("is_worker", False)
    if raw is not None and not isinstance(raw, (bool, str, int)):
        errors.add("is_worker", "“我是科技工作者”应为 true 或 false")
    out["is_worker"] = v.boolean(data, "is_worker") if raw is not None else False
    errors.raise_if_any()
    return out


def sign_in(code, data: dict) -> SigninResult:
    """Sign a person in with the code of an activity's sign-in (no account). See the module."""
    signin = signin_by_code(code)
    title = signin.activity.title
    if not is_open(signin):
        raise Conflict(ENDED)
    if _honeypot(data):
        return SigninResult(signin.last_attendee_no + 1, title, True)
    values = _validate(data, mobile_required=True)
    return _record(signin, values, proxy=False)


def proxy_sign_in(actor: User, activity: Activity, data: dict) -> SigninResult:
    """The organiser signs a person in on their behalf (代签, marked): the mobile may be blank.

    Forbidden (403) for anyone but the organiser; Conflict (409) when sign-in is not open. Each
    代签 is audited (`signin_proxy`, with the attendee's number).
    """
    if not can_proxy(actor, activity):
        raise Forbidden("只有活动组织者可以代签")
    signin = signin_of(activity)
    if signin is None:
        raise Conflict("该活动尚未开启签到")
    if not is_open(signin):
        raise Conflict(ENDED)
    values = _validate(data, mobile_required=False)
    result = _record(signin, values, proxy=True)
    if result.created:
        audit.record(actor, "signin_proxy", object_type="activities", object_id=activity.id,
                     detail={"attendee_no": result.attendee_no})
    return result


def _record(signin: ActivitySignin, values: dict, *, proxy: bool) -> SigninResult:
    """Under the sign-in's lock: the existing row of this mobile, or a new numbered attendee."""
    signin = lock(signin)
    activity = signin.activity
    if not is_open(signin):
        raise Conflict(ENDED)
    mobile = values["mobile"] or None
    if mobile is not None:
        existing = db.session.scalar(sa.select(Attendee).where(
            Attendee.activity_id == activity.id, Attendee.mobile == mobile))
        if existing is not None:
            return SigninResult(existing.attendee_no, activity.title, False)
    signin.last_attendee_no += 1
    attendee = Attendee(activity_id=activity.id, attendee_no=signin.last_attendee_no,
                        name=values["name"], mobile=mobile, work_unit=values["work_unit"],
                        field=values["field"], is_worker=values["is_worker"], proxy=proxy,
                        signed_at=clock.now())
    db.session.add(attendee)
    db.session.flush()
    if values["is_worker"] and mobile is not None:
        _link_worker(activity, attendee)
    return SigninResult(attendee.attendee_no, activity.title, True)


def _link_worker(activity: Activity, attendee: Attendee) -> None:
    """SPEC §3 for a worker attendee: link the matching worker (or a new one) to the activity and
    its organiser, never changing a stored worker; a mobile under another name links nothing."""
    worker = contacts.find_by_mobile(attendee.mobile)
    note = "linked"
    if worker is None:
        worker, note = _new_worker(activity, attendee)
    if worker is None or not contacts.same_person(worker, attendee.name):
        attendee.worker_note = "name_mismatch"
        return
    attendee.worker_id = worker.id
    attendee.worker_note = note
    organizer = activity.organizer
    if organizer.role == Role.REPRESENTATIVE and not contacts.is_linked(organizer.id, worker.id):
        db.session.add(WorkerLink(representative_id=organizer.id, worker_id=worker.id))
    if worker not in activity.workers:
        activity.workers.append(worker)
    db.session.flush()
    activities.sync_activity_contacts(activity)


def _new_worker(activity: Activity, attendee: Attendee) -> tuple[Worker | None, str]:
    """A new worker from the attendee's fields; when another request stored the same mobile just
    now, that worker (the identity rule then decides)."""
    worker = Worker(name=attendee.name, work_unit=attendee.work_unit, field=attendee.field,
                    mobile=attendee.mobile, created_by_id=activity.organizer_id)
    try:
        with db.session.begin_nested():
            db.session.add(worker)
            db.session.flush()
    except IntegrityError as error:
        if not is_unique_violation(error, "uq_workers_mobile"):
            raise
        return contacts.find_by_mobile(attendee.mobile), "linked"
    return worker, "created"
