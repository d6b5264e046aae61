"""An activity's review history, read from the audit log: every submission, verification and
return with who, when and the comment. The activity itself holds only the current review (its
verifier and comment are cleared when it is submitted again); the history keeps every one."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from extensions import db
from models import AuditLog

ACTIONS = {"submit": "提交审核", "verify": "审核通过", "return": "退回修改"}


@dataclass(frozen=True)
class ReviewEvent:
    action: str
    label: str
    actor_name: str
    at: datetime
    comment: str


def review_history(activity_id: int) -> list[ReviewEvent]:
    """The activity's submissions and reviews, oldest first — one query (actors joined)."""
    stmt = (sa.select(AuditLog).options(sa.orm.joinedload(AuditLog.actor))
            .where(AuditLog.object_type == "activities", AuditLog.object_id == activity_id,
                   AuditLog.action.in_(tuple(ACTIONS)))
            .order_by(AuditLog.created_at, AuditLog.id))
    events = []
    for entry in db.session.scalars(stmt):
        comment = (entry.after or {}).get("review_comment") or "" if entry.action != "submit" else ""
        events.append(ReviewEvent(entry.action, ACTIONS[entry.action],
                                  entry.actor.name if entry.actor else "系统", entry.created_at,
                                  comment))
    return events
