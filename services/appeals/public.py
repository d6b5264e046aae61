"""代表码 (SPEC §5.5): representatives' public codes, anonymous appeals with receipts, and the
handling figures (办结率, median days to resolution).

- A representative's page is found by their public code; an unknown code, another role's code or
  a deactivated representative is NotFound (404), revealing nothing.
- An appeal left there is an Appeal of that representative and their Home with source `qr`,
  status `received` and a random receipt code; the representative and the Home's managers are
  notified. A filled honeypot field is answered with a receipt as if accepted, and nothing is
  stored.
- A receipt shows only category, status, dates and response; an unknown receipt is NotFound.
"""
import statistics
from datetime import datetime

import sqlalchemy as sa
from flask import url_for

from extensions import db
from models import Appeal, User
from models.enums import AppealCategory, AppealSource, AppealStatus, Role
from services import audit, clock, notifications, summaries
from services import validation as v
from services.errors import Collector, NotFound
from services.receipts import looks_like_receipt, new_receipt, normalize_receipt

CONTENT_MAX = 5000
NAME_MAX = 50
CONTACT_MAX = 100
#: The form field a person never sees (hidden by CSS); bots fill it in.
HONEYPOT = "website"


def honeypot_filled(data) -> bool:
    """True when the hidden HONEYPOT field of a public form (代表码 appeal, 公示异议) holds anything:
    a non-blank string or any other non-empty value. People never see the field; bots fill it."""
    value = data.get(HONEYPOT)
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, "")




def representative_by_code(code) -> User:
    """The active representative whose public code this is; NotFound otherwise (incl. deactivated)."""
    if not isinstance(code, str) or not code or len(code) > 64:
        raise NotFound("该代表码不存在或已停用")
    rep = db.session.scalar(
        sa.select(User).options(sa.orm.joinedload(User.home))
        .where(User.public_code == code, User.role == Role.REPRESENTATIVE,
               User.active.is_(True)))
    if rep is None or rep.home is None:
        raise NotFound("该代表码不存在或已停用")
    return rep


def _plain(errors: Collector, data: dict, field: str, label: str, **kw) -> str:
    value = v.text(errors, data, field, label, **kw)
    if "\x00" in value:
        errors.add(field, f"{label}含有无效字符")
    return value


def submit_public_appeal(rep: User, data: dict) -> str:
    """Leave an appeal with `rep` without an account; returns the receipt.

    `data`: category, content (1–5000), optional name (≤ 50) and contact (≤ 100), and the honeypot.
    Raises ValidationFailed naming each bad field. A filled honeypot returns a fresh receipt that
    matches nothing, and writes nothing.
    """
    if honeypot_filled(data):
        return new_receipt()
    errors = Collector()
    category = v.choice(errors, data, "category", "类别", AppealCategory)
    content = _plain(errors, data, "content", "诉求内容", max_len=CONTENT_MAX)
    name = _plain(errors, data, "name", "姓名", required=False, max_len=NAME_MAX)
    contact = _plain(errors, data, "contact", "联系方式", required=False, max_len=CONTACT_MAX)
    errors.raise_if_any()
    appeal = Appeal(representative_id=rep.id, home_id=rep.home_id, category=category,
                    content=content, status=AppealStatus.RECEIVED, source=AppealSource.QR,
                    receipt=new_receipt(), submitter_name=name, submitter_contact=contact)
    db.session.add(appeal)
    summaries.appeal_changed(None, appeal)
    audit.record(None, "create_public", appeal)
    title = f"代表码收到新的{category.label}诉求建议"
    body = content[:100]
    notifications.notify(rep, "appeal_received_qr", title, body, _link("rep.appeals"),
                         counts={"count": 1})
    notifications.notify_home(rep.home_id, "appeal_received_qr", f"{rep.name}的{title}", body,
                              _link("manage.appeals"), counts={"count": 1})
    return appeal.receipt


def _link(endpoint: str) -> str:
    try:
        return url_for(endpoint)
    except Exception:  # outside a request
        return ""


def track_appeal(receipt) -> Appeal:
    """The appeal left through a 代表码 with this receipt; NotFound for anything else."""
    receipt = normalize_receipt(receipt)
    if not looks_like_receipt(receipt):
        raise NotFound("查询码不存在")
    appeal = db.session.scalar(sa.select(Appeal).where(Appeal.receipt == receipt,
                                                       Appeal.source == AppealSource.QR))
    if appeal is None:
        raise NotFound("查询码不存在")
    return appeal


def public_view(appeal: Appeal) -> dict:
    """What a receipt reveals (SPEC §8): category, status, received_on, resolved_on, response."""
    handled = appeal.status in (AppealStatus.RESOLVED, AppealStatus.CLOSED)
    return {
        "category": appeal.category.value,
        "status": appeal.status.value,
        "received_on": _local_date(appeal.created_at),
        "resolved_on": _local_date(appeal.resolved_at) if handled else None,
        "response": appeal.response,
    }


def _local_date(dt: datetime | None):
    return clock.local(dt).date() if dt is not None else None


# --- 办结率 and time to resolution (SPEC §5.5) ---------------------------------------------------

def handling_rate(handled: int, total: int) -> float | None:
    """Of the appeals received in a year, the share now resolved or closed; None when none."""
    return handled / total if total else None


def median_days(pairs) -> float | int | None:
    """Median calendar days (Asia/Shanghai) from received to resolved over (received_at,
    resolved_at) pairs; None when there is none."""
    days = [(_local_date(resolved) - _local_date(received)).days
            for received, resolved in pairs if received is not None and resolved is not None]
    return statistics.median(days) if days else None


def resolved_pairs(conditions: list) -> list:
    """(created_at, resolved_at) of the `resolved` appeals matching `conditions` — one query."""
    return list(db.session.execute(
        sa.select(Appeal.created_at, Appeal.resolved_at)
        .where(Appeal.status == AppealStatus.RESOLVED, *conditions)).all())
