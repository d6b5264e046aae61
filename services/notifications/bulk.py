"""Notifying many people at once in SQL: the jobs' path whose cost follows rows, not objects.

`notify_select(kind, recipients, …)` writes the in-app notifications and queues their e-mails with
two `INSERT … SELECT` statements over a select of recipients, whatever their number: no ORM object
per person, no statement whose parameters grow with the data (a recipient list is never sent to
the database as ids). It keeps `notify`'s rules: one notification per user and dedupe key
(an anti-join on the key's unique index), and the e-mail only when mail is on and the user is
active with an address (the user's choice per topic is read when it is sent).

`sql_format(template, **columns)` turns a kind's summary such as "{year}年您已联系 {count} 名" into
one SQL string expression of the given columns, so each person's text is made by the database.
"""
import string

import sqlalchemy as sa

from extensions import db
from models import Delivery, Notification, User
from models.base import utcnow
from models.enums import DeliveryChannel, DeliveryStatus
from services import mail
from services.notifications.kinds import kind_of
from services.notifications.outbox import absolute_link


def sql_format(template: str, **columns) -> sa.ColumnElement:
    """`template` (str.format fields, no format specs) as a SQL concatenation: each `{name}` is
    `columns[name]` (a column, expression or Python value) cast to text. Raises KeyError for a
    field not given."""
    parts = []
    for literal, field, _spec, _conv in string.Formatter().parse(template):
        if literal:
            parts.append(sa.literal(literal, sa.String))
        if field is not None:
            value = columns[field]
            if isinstance(value, sa.ColumnElement):
                parts.append(sa.cast(value, sa.String))
            else:
                parts.append(sa.literal(str(value), sa.String))
    if not parts:
        return sa.literal("", sa.String)
    out = parts[0]
    for part in parts[1:]:
        out = out.op("||")(part)
    return sa.type_coerce(out, sa.String)


def notify_select(kind: str, recipients: sa.Select, *, dedupe_key: str, link: str = "") -> int:
    """Notify every user of `recipients` — a select whose columns are labelled `user_id`, `title`,
    `body` and `text` (the e-mail's PIPL-safe summary; use `sql_format` with the kind's summary) —
    who holds no notification with `dedupe_key`. Queues the e-mail of each new notification when
    mail is on and the user is active with an e-mail address. Returns how many users were notified.
    Two or three statements in the caller's transaction."""
    now = utcnow()
    rows = recipients.subquery("recipients")
    fresh = ~sa.select(Notification.id).where(
        Notification.user_id == rows.c.user_id, Notification.dedupe_key == dedupe_key).exists()
    if mail.enabled():
        k = kind_of(kind)
        target = sa.literal("user:", sa.String).op("||")(sa.cast(rows.c.user_id, sa.String))
        queued = ~sa.select(Delivery.id).where(Delivery.target == target,
                                                Delivery.dedupe_key == dedupe_key).exists()
        db.session.execute(sa.insert(Delivery).from_select(
            ["channel", "target", "user_id", "kind", "subject", "text", "link", "dedupe_key",
             "status", "attempts", "created_at", "next_attempt_at", "last_error"],
            sa.select(sa.literal(DeliveryChannel.EMAIL.value), target, rows.c.user_id,
                      sa.literal(kind[:50]), sa.literal(k.label[:200]), rows.c.text,
                      sa.literal(absolute_link(link)[:500]), sa.literal(dedupe_key),
                      sa.literal(DeliveryStatus.QUEUED.value), sa.literal(0),
                      sa.literal(now, Delivery.created_at.type),
                      sa.literal(now, Delivery.next_attempt_at.type), sa.literal(""))
            .join(User, User.id == rows.c.user_id)
            .where(fresh, queued, User.active.is_(True), sa.func.coalesce(User.email, "") != "")))
    inserted = db.session.execute(sa.insert(Notification).from_select(
        ["user_id", "kind", "title", "body", "link", "dedupe_key", "created_at"],
        sa.select(rows.c.user_id, sa.literal(kind[:50]), sa.func.substr(rows.c.title, 1, 200),
                  rows.c.body, sa.literal(link[:255]), sa.literal(dedupe_key),
                  sa.literal(now, Notification.created_at.type))
        .where(fresh)).returning(Notification.id))
    return len(inserted.all())  # the driver's rowcount of an INSERT … SELECT is not reliable
