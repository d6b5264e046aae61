"""Reading needs: the filtered list every queue and GET /needs share, and what a receipt shows."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from extensions import db
from models import Activity, Need
from models.enums import JIANGSU_CITIES, ActivityStatus, NeedKind, NeedStatus
from services.clock import local
from services.errors import ValidationFailed
from services.needs.access import need_clause, require_reader
from services.receipts import looks_like_receipt, normalize_receipt

KEYWORD_MAX = 50


def parse_filters(args) -> dict:
    """{kind, status, city, q} from query arguments; a bad value is ValidationFailed naming it
    (422 in the API; pages show the message)."""
    out, bad = {}, {}
    for key, enum_cls in (("kind", NeedKind), ("status", NeedStatus)):
        value = (args.get(key) or "").strip()
        if value:
            if value in enum_cls.values():
                out[key] = value
            else:
                bad[key] = "无效，可选：" + "、".join(f"{m.value}（{m.label}）" for m in enum_cls)
    city = (args.get("city") or "").strip()
    if city:
        if city in JIANGSU_CITIES:
            out["city"] = city
        else:
            bad["city"] = "所在设区市应为江苏省13个设区市之一"
    q = (args.get("q") or "").strip()[:KEYWORD_MAX]
    if q:
        out["q"] = q
    if bad:
        raise ValidationFailed(bad)
    return out


def list_needs(actor, filters: dict | None = None):
    """SELECT of the needs `actor` may see with the filters, newest first (received_at, id
    descending — the order keyset pages follow). 403 for roles that read no needs."""
    require_reader(actor)
    filters = filters or {}
    stmt = sa.select(Need).where(need_clause(actor))
    if filters.get("kind"):
        stmt = stmt.where(Need.kind == filters["kind"])
    if filters.get("status"):
        stmt = stmt.where(Need.status == filters["status"])
    if filters.get("city"):
        stmt = stmt.where(Need.city == filters["city"])
    if filters.get("q"):
        pattern = "%" + filters["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(sa.or_(Need.title.ilike(pattern, escape="\\"),
                                 Need.organization.ilike(pattern, escape="\\"),
                                 Need.field.ilike(pattern, escape="\\")))
    return stmt.order_by(Need.received_at.desc(), Need.id.desc())


def linked_activities(need_id: int, *, verified_only: bool = True) -> list[Activity]:
    """The activities that name the need (verified ones for the public), by date."""
    stmt = sa.select(Activity).where(Activity.need_id == need_id)
    if verified_only:
        stmt = stmt.where(Activity.status == ActivityStatus.VERIFIED)
    return list(db.session.scalars(stmt.order_by(Activity.date, Activity.id)))


def public_view(need: Need) -> dict:
    """What a receipt shows (SPEC §5.11): kind, title, status, the Home, the assigned
    representatives' names, the linked verified activities (title, date), the rating, and the
    reason when declined; the received date. Nothing of the contact."""
    return {
        "kind": need.kind.value,
        "title": need.title,
        "status": need.status.value,
        "received_on": local(need.received_at).date(),
        "home": need.home.name if need.home is not None else None,
        "representatives": [u.name for u in need.representatives],
        "activities": [{"title": a.title, "date": a.date}
                       for a in linked_activities(need.id)],
        "rating": ({"score": need.rating, "comment": need.rating_comment}
                   if need.rating is not None else None),
        "decline_reason": need.decline_reason if need.status == NeedStatus.DECLINED else None,
    }


def with_page_loads(stmt):
    """A `list_needs` select with what a page of it shows loaded with it (the Home, the
    representatives): two statements per page whatever the number of needs; paged by the
    keyset mechanism of services.paging (cursor `after=` / `before=`)."""
    return stmt.options(selectinload(Need.representatives), selectinload(Need.home))


def receipt_exists(receipt) -> bool:
    """True when a normalised receipt is a need's (the shared /track form forwards it)."""
    receipt = normalize_receipt(receipt)
    return looks_like_receipt(receipt) and db.session.scalar(
        sa.select(Need.id).where(Need.receipt == receipt)) is not None
