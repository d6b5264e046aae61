"""Helpers for the 需求对接 tests: a valid public body, and a need brought to a given status."""
from datetime import timedelta

from extensions import db
from models import Need
from models.base import utcnow
from models.enums import NeedKind, NeedStatus
from services.receipts import new_receipt


def body(**kw) -> dict:
    """A valid POST /public/needs body."""
    out = {"kind": "technology", "title": "复合材料热处理工艺改进",
           "description": "我公司生产碳纤维复合材料构件，热处理后强度不稳定，希望专家指导工艺改进。",
           "organization": "南京某新材料有限公司", "contact_name": "王经理",
           "contact_mobile": "+86 139-1234-5678", "city": "南京市", "field": "新材料"}
    out.update(kw)
    return out


def need(status=NeedStatus.RECEIVED, home=None, reps=(), **kw) -> Need:
    """A need written directly, in `status` (with the moments that status implies)."""
    now = utcnow()
    values = {"kind": NeedKind.TECHNOLOGY, "title": "复合材料热处理工艺改进",
              "description": "热处理后强度不稳定", "organization": "南京某新材料有限公司",
              "contact_name": "王经理", "contact_mobile": "13912345678", "city": "南京市",
              "field": "新材料", "receipt": new_receipt(), "received_at": now - timedelta(days=10)}
    values.update(kw)
    obj = Need(status=status, **values)
    if status != NeedStatus.RECEIVED and home is not None:
        obj.home_id = home.id
        obj.dispatched_at = obj.dispatched_at or now - timedelta(days=9)
    if status in (NeedStatus.ASSIGNED, NeedStatus.FULFILLED, NeedStatus.CLOSED):
        obj.assigned_at = obj.assigned_at or obj.received_at + timedelta(days=3)
        obj.representatives = list(reps)
    if status in (NeedStatus.FULFILLED, NeedStatus.CLOSED):
        obj.fulfilled_at = obj.fulfilled_at or now - timedelta(days=1)
    db.session.add(obj)
    db.session.flush()
    return obj
