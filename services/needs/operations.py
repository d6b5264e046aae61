"""A need's life (SPEC §5.11): filed by anyone → dispatched by the office → assigned by the Home's
manager → fulfilled by a verified activity → closed by the requester's rating (or by the office 30
days after fulfilment), or declined with a reason; a Home may return it to the office.

Every step locks the need's row first (services/concurrency.py), refuses a step its status does not
allow with Conflict (409), writes an audit entry with before and after, and notifies whoever has
work next: the Home's managers on dispatch, the representatives on assignment.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for

from extensions import db
from models import Home, Need, User, need_representatives
from models.base import utcnow
from models.enums import HomeStatus, NeedStatus, Role
from services import audit, notifications
from services.concurrency import lock
from services.errors import Conflict, NotFound, ValidationFailed
from services.needs.access import is_manager_of
from services.needs.fields import (
    clean_home_id,
    clean_id_list,
    clean_need,
    clean_rating,
    clean_reason,
)
from services.receipts import looks_like_receipt, new_receipt, normalize_receipt
from services.scope import require_role

S = NeedStatus
#: Days after fulfilment from which the office may close a need its requester never rated.
CLOSE_UNRATED_AFTER_DAYS = 30
DECLINABLE = (S.RECEIVED, S.DISPATCHED)
RETURNABLE = (S.DISPATCHED, S.ASSIGNED)
ASSIGNABLE = (S.DISPATCHED, S.ASSIGNED)
#: The statuses in which an activity of the Home may name the need and fulfil it.
SERVABLE = (S.DISPATCHED, S.ASSIGNED)


def _state(need: Need) -> dict:
    after = audit.snapshot(need)
    after["representative_ids"] = [u.id for u in need.representatives]
    return after


def _link(endpoint: str, **values) -> str:
    try:
        return url_for(endpoint, **values)
    except Exception:  # outside a request
        return ""


def _refuse(need: Need, action: str) -> Conflict:
    return Conflict(f"需求当前状态为“{need.status.label}”，不能{action}")


def file_need(data: dict, *, hint_code: str | None = None, honeypot: bool = False) -> str:
    """File a need without an account; returns its receipt (random, 12 characters).

    `data`: kind, title, description, organization, contact_name, contact_mobile, city, field?
    (fields.clean_need: ValidationFailed naming each bad field). `hint_code`: the 代表码 of the page
    it was filed from (an unknown or deactivated code is ignored). A filled honeypot answers a
    fresh receipt that matches nothing and writes nothing.
    """
    if honeypot:
        return new_receipt()
    clean = clean_need(data if isinstance(data, dict) else {})
    hint = None
    if isinstance(hint_code, str) and 0 < len(hint_code) <= 64:
        hint = db.session.scalar(sa.select(User.id).where(
            User.public_code == hint_code, User.role == Role.REPRESENTATIVE,
            User.active.is_(True)))
    need = Need(**clean, status=S.RECEIVED, receipt=new_receipt(), received_at=utcnow(),
                hint_representative_id=hint)
    db.session.add(need)
    audit.record(None, "create_public", need, after=_state(need))
    notifications.notify_office("need_received", f"收到新的{need.kind.label}：{need.title}",
                                f"{need.city} · {need.organization}",
                                _link("needs.detail", need_id=need.id), counts={"count": 1})
    return need.receipt


def dispatch_need(actor, need: Need, data: dict) -> Need:
    """received → dispatched to an active Home (`data["home_id"]`); the office only (403).
    422 naming home_id for no such Home; 409 for another status or a Home not active."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    home_id = clean_home_id(data)
    need = lock(need)
    home = db.session.get(Home, home_id)
    if home is None:
        raise ValidationFailed({"home_id": "代表之家不存在"})
    if need.status != S.RECEIVED:
        raise _refuse(need, "派单")
    if home.status != HomeStatus.ACTIVE:
        raise Conflict("只能派单给有效期内的代表之家")
    before = _state(need)
    need.status, need.home_id, need.dispatched_at = S.DISPATCHED, home.id, utcnow()
    audit.record(actor, "dispatch", need, before=before, after=_state(need))
    notifications.notify_home(home.id, "need_dispatched", f"省科协派来一项{need.kind.label}：{need.title}",
                              f"{need.city} · {need.organization}，请安排代表接单",
                              _link("needs.detail", need_id=need.id), counts={"count": 1})
    return need


def decline_need(actor, need: Need, data: dict) -> Need:
    """received or dispatched → declined with a reason (1–500) the requester sees; the office."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    reason = clean_reason(data)
    need = lock(need)
    if need.status not in DECLINABLE:
        raise _refuse(need, "不予受理")
    before = _state(need)
    need.status, need.decline_reason, need.closed_at = S.DECLINED, reason, utcnow()
    audit.record(actor, "decline", need, before=before, after=_state(need), reason=reason)
    return need


def _require_home_manager(actor, need: Need) -> None:
    require_role(actor, Role.HOME_MANAGER)
    if not is_manager_of(actor, need):
        raise NotFound()


def return_need(actor, need: Need, data: dict) -> Need:
    """dispatched or assigned → received, back to the office with a reason (1–500); the Home's
    manager. The Home and the assignment are cleared (the office dispatches again)."""
    _require_home_manager(actor, need)
    reason = clean_reason(data)
    need = lock(need)
    if need.status not in RETURNABLE:
        raise _refuse(need, "退回")
    before = _state(need)
    need.status, need.return_reason = S.RECEIVED, reason
    need.home_id = need.dispatched_at = need.assigned_at = None
    need.representatives = []
    audit.record(actor, "return", need, before=before, after=_state(need), reason=reason)
    notifications.notify_office("need_returned", f"代表之家退回需求：{need.title}",
                                f"退回原因：{reason}", _link("needs.detail", need_id=need.id),
                                counts={"count": 1})
    return need


def active_representatives(home_id: int):
    """SELECT of the active representatives of a Home."""
    return sa.select(User).where(User.home_id == home_id, User.role == Role.REPRESENTATIVE,
                                 User.active.is_(True))


def assign_need(actor, need: Need, data: dict) -> Need:
    """dispatched (or assigned: a new choice) → assigned to 1–5 active representatives of the
    Home (`data["representative_ids"]`); the Home's manager. 422 naming representative_ids for
    another Home's or an inactive representative. Newly assigned representatives are notified."""
    _require_home_manager(actor, need)
    ids = clean_id_list(data, "representative_ids")
    need = lock(need)
    if need.status not in ASSIGNABLE:
        raise _refuse(need, "安排接单")
    reps = {u.id: u for u in db.session.scalars(
        active_representatives(need.home_id).where(User.id.in_(ids)))}
    bad = [str(i) for i in ids if i not in reps]
    if bad:
        raise ValidationFailed({"representative_ids":
                                f"接单代表必须是本代表之家在职的代表（编号 {', '.join(bad)} 不符合）"})
    before = _state(need)
    earlier = {u.id for u in need.representatives}
    need.representatives = [reps[i] for i in ids]
    if need.status == S.DISPATCHED:
        need.status, need.assigned_at = S.ASSIGNED, utcnow()
    audit.record(actor, "assign", need, before=before, after=_state(need))
    for rep_id in ids:
        if rep_id not in earlier:
            notifications.notify(rep_id, "need_assigned", f"请您接单：{need.title}",
                                 f"{need.kind.label} · {need.city} · {need.organization}",
                                 _link("needs.detail", need_id=need.id), counts={"count": 1})
    return need


def servable_need_ids(home_id: int, need_ids) -> set[int]:
    """Of `need_ids`, those an activity of the Home may name (dispatched to it or assigned)."""
    ids = [i for i in need_ids if i is not None]
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Need.id).where(
        Need.id.in_(ids), Need.home_id == home_id, Need.status.in_(SERVABLE))))


def servable_needs(home_id: int) -> list[Need]:
    """The needs an activity of the Home may name, newest first (for the activity form)."""
    return list(db.session.scalars(sa.select(Need).where(
        Need.home_id == home_id, Need.status.in_(SERVABLE))
        .order_by(Need.received_at.desc(), Need.id.desc()).limit(200)))


def fulfil_by_activity(actor, activity) -> bool:
    """When a verified activity names a need dispatched to or assigned in its Home, the need
    becomes fulfilled (a conditional UPDATE: one of racing verifications fulfils it). True when it did."""
    if not activity.need_id:
        return False
    now = utcnow()
    done = db.session.execute(
        sa.update(Need).where(Need.id == activity.need_id, Need.home_id == activity.home_id,
                              Need.status.in_(SERVABLE))
        .values(status=S.FULFILLED, fulfilled_at=now, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if done:
        need = db.session.get(Need, activity.need_id, populate_existing=True)
        audit.record(actor, "fulfil", need, detail={"activity_id": activity.id})
    return bool(done)


def close_unrated(actor, need: Need) -> Need:
    """fulfilled → closed by the office when the requester has not rated it within
    CLOSE_UNRATED_AFTER_DAYS days of fulfilment; 409 before then or in another status."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    need = lock(need)
    if need.status != S.FULFILLED:
        raise _refuse(need, "关闭")
    if utcnow() - need.fulfilled_at < timedelta(days=CLOSE_UNRATED_AFTER_DAYS):
        raise Conflict(f"需求完成满{CLOSE_UNRATED_AFTER_DAYS}天仍未评价时才能由省科协关闭")
    before = _state(need)
    need.status, need.closed_at = S.CLOSED, utcnow()
    audit.record(actor, "close_unrated", need, before=before, after=_state(need))
    return need


def need_by_receipt(receipt) -> Need:
    """The need with this receipt (as typed: case and dashes ignored); NotFound otherwise."""
    receipt = normalize_receipt(receipt)
    if not looks_like_receipt(receipt):
        raise NotFound("查询码不存在")
    need = db.session.scalar(sa.select(Need).where(Need.receipt == receipt))
    if need is None:
        raise NotFound("查询码不存在")
    return need


def rate_need(receipt, data: dict) -> Need:
    """The requester's rating, once: `data` {score 1–5, comment? ≤ 500}. A fulfilled need becomes
    closed. 404 for an unknown receipt; 409 before fulfilment or when already rated. The rating
    claims the row with a conditional UPDATE (status fulfilled and not yet rated): of racing
    ratings exactly one succeeds."""
    need = need_by_receipt(receipt)
    score, comment = clean_rating(data)
    now = utcnow()
    claimed = db.session.execute(
        sa.update(Need).where(Need.id == need.id, Need.status == S.FULFILLED,
                              Need.rated_at.is_(None))
        .values(rating=score, rating_comment=comment, rated_at=now, status=S.CLOSED,
                closed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.refresh(need)
        if need.rated_at is not None:
            raise Conflict("该需求已经评价过，每项需求只能评价一次")
        raise Conflict(f"需求当前状态为“{need.status.label}”，完成后才能评价")
    db.session.refresh(need)
    audit.record(None, "rate", need, detail={"score": score})
    return need


def representative_ids(need_ids) -> dict[int, list[int]]:
    """need id → its assigned representatives' ids, in one query."""
    out: dict[int, list[int]] = {i: [] for i in need_ids}
    if need_ids:
        for need_id, user_id in db.session.execute(
                sa.select(need_representatives.c.need_id, need_representatives.c.user_id)
                .where(need_representatives.c.need_id.in_(list(need_ids)))
                .order_by(need_representatives.c.user_id)):
            out[need_id].append(user_id)
    return out
