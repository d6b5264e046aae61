"""Appeals and suggestions (诉求/建议): filed by representatives, handled by the Home's managers.

Status changes (manager of the appeal's Home or a provincial admin; a representative gets 403):
received → forwarded; received/forwarded → resolved (a response is required);
received/forwarded → closed. resolved and closed are final (409). The representative is notified
when their appeal is resolved or closed.
"""
import sqlalchemy as sa
from flask import url_for

from extensions import db
from models import Appeal, User, WorkerLink
from models.base import utcnow
from models.enums import AppealCategory, AppealSource, AppealStatus, Role
from services import audit, notifications, summaries
from services import validation as v
from services.concurrency import hold_people, lock
from services.errors import Collector, Conflict, ValidationFailed
from services.scope import require_role

CONTENT_MAX = 5000
RESPONSE_MAX = 5000
OPEN = (AppealStatus.RECEIVED, AppealStatus.FORWARDED)

#: target status → the statuses it may come from
TRANSITIONS = {
    AppealStatus.FORWARDED: (AppealStatus.RECEIVED,),
    AppealStatus.RESOLVED: OPEN,
    AppealStatus.CLOSED: OPEN,
}


def create_appeal(actor: User, data: dict) -> Appeal:
    """A representative files an appeal for their Home; the worker is optional (anonymous)."""
    require_role(actor, Role.REPRESENTATIVE)
    errors = Collector()
    category = v.choice(errors, data, "category", "类别", AppealCategory)
    content = v.text(errors, data, "content", "诉求内容", max_len=CONTENT_MAX)
    worker_id = v.integer(errors, data, "worker_id", "科技工作者", required=False, minimum=1)
    if worker_id is not None and db.session.scalar(sa.select(WorkerLink.worker_id).where(
            WorkerLink.representative_id == actor.id, WorkerLink.worker_id == worker_id)) is None:
        errors.add("worker_id", "只能选择您已关联的科技工作者（也可匿名）")
    errors.raise_if_any()
    appeal = Appeal(representative_id=actor.id, home_id=actor.home_id, worker_id=worker_id,
                    category=category, content=content, status=AppealStatus.RECEIVED)
    db.session.add(appeal)
    summaries.appeal_changed(None, appeal)
    audit.record(actor, "create", appeal)
    notifications.notify_home(actor.home_id, "appeal_received", f"新的诉求建议：{category.label}",
                              content[:100], _link("manage.appeals"), counts={"count": 1})
    return appeal


def _link(endpoint: str) -> str:
    try:
        return url_for(endpoint)
    except Exception:  # outside a request, or the page is not there
        return ""


def change_status(actor: User, appeal: Appeal, data: dict) -> Appeal:
    """Forward, resolve (response required) or close an appeal; or amend the response of an open one.
    The appeal's row is locked before its status is checked: of racing changes one wins, 409."""
    require_role(actor, Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
    lock(appeal)
    hold_people([appeal.representative_id])  # notified below: its lock before the summary rows
    errors = Collector()
    status = v.choice(errors, data, "status", "状态", AppealStatus, required=False)
    has_response = "response" in data and data.get("response") is not None
    response = v.text(errors, data, "response", "答复", required=False, max_len=RESPONSE_MAX)
    if status is None and not has_response and not errors.fields:
        errors.add("status", "请选择要变更的状态")
    if status == AppealStatus.RECEIVED:
        errors.add("status", "不能改回“已受理”")
    errors.raise_if_any()

    if status is not None:
        allowed_from = TRANSITIONS[status]
        if appeal.status not in allowed_from:
            raise Conflict(f"诉求当前状态为“{appeal.status.label}”，不能变更为“{status.label}”")
        if status == AppealStatus.RESOLVED and not (response or (not has_response and appeal.response)):
            raise ValidationFailed({"response": ["办结时必须填写答复"]})
    elif appeal.status not in OPEN:
        raise Conflict("已办结或已关闭的诉求不能再修改答复")

    before = audit.snapshot(appeal)
    counted = summaries.appeal_part(appeal)
    if has_response:
        appeal.response = response
    if status is not None:
        appeal.status = status
        appeal.handled_by_id = actor.id
        if status in (AppealStatus.RESOLVED, AppealStatus.CLOSED):
            appeal.resolved_at = utcnow()
        summaries.appeal_changed(counted, appeal)
    audit.record(actor, f"status_{status.value}" if status else "update", appeal, before=before)
    if status in (AppealStatus.RESOLVED, AppealStatus.CLOSED):
        whose = ("通过您的代表码收到的诉求建议" if appeal.source == AppealSource.QR
                 else "您提交的诉求建议")
        notifications.notify(appeal.representative_id, f"appeal_{status.value}",
                             f"{whose}{status.label}",
                             appeal.response[:200], _link("rep.appeals"),
                             dedupe_key=f"appeal:{appeal.id}:{status.value}")
    return appeal
