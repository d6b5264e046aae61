"""Sending the queue (the `deliver_messages` job; never in a web request).

One run:
1. Messages that are not to be sent any more are set `skipped` in one UPDATE: an e-mail whose user
   is inactive, has no address, or switched e-mail off for the message's topic; any e-mail while
   mail is not configured; a post to a robot that was disabled.
2. Due messages (queued, `next_attempt_at` ≤ now) are taken oldest first, at most `rate` per
   target, and each is claimed (a conditional UPDATE, committed) before it is sent: two runs never
   send one message twice.
3. Each is sent through its channel. Success: `delivered`. Failure: `attempts` + 1, the error kept,
   and the next attempt after `DELIVERY_RETRY_SECONDS` × 2^(attempts − 1) (capped at 6 hours);
   after `DELIVERY_MAX_ATTEMPTS` it is `failed` and left alone. One failing target never holds up
   another: each message is committed on its own.
4. Finished messages (delivered, failed, skipped) older than `DELIVERY_KEEP_DAYS` (90) are removed,
   by the index on (status, next_attempt_at).
5. The rate per channel: a robot takes at most `WEBHOOK_RATE_PER_MINUTE` attempts in any 60
   seconds (企业微信 and 钉钉 allow about 20), all e-mail together `MAIL_RATE_PER_MINUTE`; what is
   over waits for a later run.
"""
import logging
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import Delivery, MessagePreference, MessageRobot, User
from models.base import utcnow
from models.enums import DeliveryChannel, DeliveryStatus
from services import mail
from services.notifications.channels import open_channels
from services.notifications.kinds import KINDS
from services.notifications.webhooks import SendFailed

log = logging.getLogger("rephome.delivery")

QUEUED = DeliveryStatus.QUEUED
#: The window of the rate per channel.
RATE_WINDOW = timedelta(seconds=60)
#: How long a claimed message is left to its sender before another run may take it again.
CLAIM = timedelta(minutes=5)
#: The longest wait between two attempts.
MAX_BACKOFF = timedelta(hours=6)


def _setting(name: str, default: int) -> int:
    try:
        return int(current_app.config.get(name, default))
    except (TypeError, ValueError):
        return default


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base × 2^(attempts − 1), at most 6 hours."""
    base = max(_setting("DELIVERY_RETRY_SECONDS", 60), 1)
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def rate_key(channel: DeliveryChannel, target: str) -> str:
    """What a rate counts over: each robot on its own, all e-mail together."""
    return "email" if channel == DeliveryChannel.EMAIL else target


def rate_for(channel: DeliveryChannel) -> int:
    """Attempts allowed per 60 s on that channel (0: no limit)."""
    if channel == DeliveryChannel.EMAIL:
        return _setting("MAIL_RATE_PER_MINUTE", 60)
    return _setting("WEBHOOK_RATE_PER_MINUTE", 20)


def _topic_of_kind():
    return sa.case({code: k.topic for code, k in KINDS.items()}, value=Delivery.kind,
                   else_="other")


def skip_unwanted(now: datetime) -> int:
    """Set `skipped` the queued messages that are not to be sent (see the module); how many."""
    opted_out = sa.exists().where(MessagePreference.user_id == Delivery.user_id,
                                  MessagePreference.topic == _topic_of_kind(),
                                  MessagePreference.email.is_(False))
    unreachable = Delivery.user_id.in_(sa.select(User.id).where(
        sa.or_(User.active.is_(False), sa.func.trim(User.email) == "")))
    email = Delivery.channel == DeliveryChannel.EMAIL
    conditions = [sa.and_(email, sa.or_(unreachable, opted_out)),
                  Delivery.robot_id.in_(sa.select(MessageRobot.id).where(
                      MessageRobot.enabled.is_(False)))]
    if not mail.enabled():
        conditions.append(email)
    return db.session.execute(
        sa.update(Delivery).where(Delivery.status == QUEUED, sa.or_(*conditions))
        .values(status=DeliveryStatus.SKIPPED, claimed_until=None, last_error="不再发送：收件人"
                "已停用、没有地址或关闭了此类邮件，机器人已停用，或未配置邮件服务器")
        .execution_options(synchronize_session=False)).rowcount or 0


def purge_finished(now: datetime) -> int:
    """Remove finished messages whose last due time is older than DELIVERY_KEEP_DAYS; how many."""
    keep = timedelta(days=max(_setting("DELIVERY_KEEP_DAYS", 90), 1))
    return db.session.execute(
        sa.delete(Delivery).where(Delivery.status.in_([DeliveryStatus.DELIVERED,
                                                       DeliveryStatus.FAILED,
                                                       DeliveryStatus.SKIPPED]),
                                  Delivery.next_attempt_at < now - keep)
        .execution_options(synchronize_session=False)).rowcount or 0


def due(now: datetime, limit: int) -> list[tuple[int, DeliveryChannel, str]]:
    """(id, channel, target) of due messages, oldest first, at most the largest rate per target
    (any number when a rate is off)."""
    rates = (rate_for(DeliveryChannel.EMAIL), rate_for(DeliveryChannel.WECOM))
    per_target = limit if min(rates) <= 0 else max(max(rates), 1)
    numbered = sa.select(
        Delivery.id, Delivery.channel, Delivery.target, Delivery.next_attempt_at,
        sa.func.row_number().over(partition_by=Delivery.target,
                                  order_by=(Delivery.next_attempt_at, Delivery.id)).label("n"),
    ).where(Delivery.status == QUEUED, Delivery.next_attempt_at <= now,
            sa.or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now)).subquery()
    rows = db.session.execute(
        sa.select(numbered.c.id, numbered.c.channel, numbered.c.target)
        .where(numbered.c.n <= per_target)
        .order_by(numbered.c.next_attempt_at, numbered.c.id).limit(limit))
    return [(i, DeliveryChannel(c), t) for i, c, t in rows]


def recent_attempts(now: datetime) -> dict[str, int]:
    """Attempts per rate key in the last 60 seconds (one grouped query)."""
    key = sa.case((Delivery.channel == DeliveryChannel.EMAIL, "email"), else_=Delivery.target)
    rows = db.session.execute(
        sa.select(key, sa.func.count(Delivery.id))
        .where(Delivery.last_attempt_at.is_not(None), Delivery.last_attempt_at > now - RATE_WINDOW)
        .group_by(key))
    return {k: int(n) for k, n in rows}


def claim(delivery_id: int, now: datetime) -> bool:
    """Take one message for sending (conditional UPDATE, committed); False when another run has it
    or it is no longer due."""
    taken = db.session.execute(
        sa.update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == QUEUED,
               Delivery.next_attempt_at <= now,
               sa.or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now))
        .values(claimed_until=now + CLAIM)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return taken == 1


def _addresses(ids: list[int]) -> tuple[dict[int, Delivery], dict[int, str], dict[int, MessageRobot]]:
    deliveries = {d.id: d for d in db.session.scalars(sa.select(Delivery).where(Delivery.id.in_(ids)))}
    user_ids = {d.user_id for d in deliveries.values() if d.user_id}
    emails = dict(db.session.execute(sa.select(User.id, User.email).where(User.id.in_(user_ids)))
                  .all()) if user_ids else {}
    robot_ids = {d.robot_id for d in deliveries.values() if d.robot_id}
    robots = {r.id: r for r in db.session.scalars(
        sa.select(MessageRobot).where(MessageRobot.id.in_(robot_ids)))} if robot_ids else {}
    return deliveries, emails, robots


def _record(delivery: Delivery, now: datetime, error: str | None) -> str:
    """Write the outcome of one attempt; the outcome's name for the counts."""
    delivery.attempts = (delivery.attempts or 0) + 1
    delivery.last_attempt_at = now
    delivery.claimed_until = None
    if error is None:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.last_error = ""
        return "delivered"
    delivery.last_error = error[:1000]
    if delivery.attempts >= max(_setting("DELIVERY_MAX_ATTEMPTS", 8), 1):
        delivery.status = DeliveryStatus.FAILED
        return "failed"
    delivery.next_attempt_at = now + backoff(delivery.attempts)
    return "retrying"


def deliver_due(now: datetime | None = None, *, limit: int = 200,
                budget_seconds: float = 45.0) -> dict:
    """Send what is due (see the module). `now` fixes the clock (tests); by default each attempt is
    stamped when it happens. Stops after `limit` messages or `budget_seconds`, leaving the rest to
    the next run. Never raises for a failed send.

    Returns {"attempted", "delivered", "retrying", "failed", "skipped", "deferred"}: deferred are
    due messages held back by the rate.
    """
    fixed = now
    start = now or utcnow()
    counts = {"attempted": 0, "delivered": 0, "retrying": 0, "failed": 0, "skipped": 0,
              "deferred": 0}
    counts["skipped"] = skip_unwanted(start)
    purge_finished(start)
    db.session.commit()
    rows = due(start, limit)
    if not rows:
        return counts
    recent = recent_attempts(start)
    deliveries, emails, robots = _addresses([r[0] for r in rows])
    channels = open_channels()
    deadline = time.monotonic() + budget_seconds
    try:
        for delivery_id, channel, target in rows:
            if time.monotonic() > deadline:
                break
            key, rate = rate_key(channel, target), rate_for(channel)
            if rate and recent.get(key, 0) >= rate:
                counts["deferred"] += 1
                continue
            at = fixed or utcnow()
            if not claim(delivery_id, at):
                continue
            recent[key] = recent.get(key, 0) + 1
            delivery = deliveries[delivery_id]
            address = emails.get(delivery.user_id) if channel == DeliveryChannel.EMAIL \
                else robots.get(delivery.robot_id)
            error = None
            try:
                if not address:
                    raise SendFailed("没有收件地址")
                channels[channel].send(delivery, address)
            except SendFailed as exc:
                error = str(exc)
            except Exception as exc:  # a channel's bug is one failed attempt, not a failed run
                log.exception("delivery %s through %s failed", delivery_id, channel.value)
                error = f"{type(exc).__name__}: {exc}"
            outcome = _record(delivery, fixed or utcnow(), error)
            counts["attempted"] += 1
            counts[outcome] += 1
            db.session.commit()
    finally:
        for ch in channels.values():
            ch.close()
    return counts
