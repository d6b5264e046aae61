"""Putting messages on the delivery queue, in the caller's transaction (nothing is sent here).

A queued message holds a subject (the kind's label), a PIPL-safe text (the kind's summary with
counts) and an absolute link on PUBLIC_BASE_URL. Queueing never raises into the action that made
the message: a failure to prepare it is logged and the action goes on.
"""
import logging

import sqlalchemy as sa

from extensions import db
from models import OFFICE_OWNER, Delivery, MessageRobot, User
from models.enums import DeliveryChannel
from services import mail
from services.notifications.kinds import kind_of
from services.urls import public_base

log = logging.getLogger("rephome.notifications")


def home_owner(home_id: int) -> str:
    """The robot owner key of a Home."""
    return f"home:{int(home_id)}"


def absolute_link(link: str) -> str:
    """An in-app link (a path on this site) as an absolute URL on the public base; an absolute
    link as it is; "" for none."""
    if not link or "://" in link:
        return link or ""
    if not link.startswith("/"):
        link = "/" + link
    scheme, netloc, prefix = public_base()
    if prefix and (link == prefix or link.startswith(prefix + "/")):
        prefix = ""
    return f"{scheme}://{netloc}{prefix}{link}"


def _cached(name: str, loader):
    """A value loaded once per transaction of the current session (robots, dedupe keys)."""
    session = db.session()
    entry = session.info.get(name)
    txn = session.get_transaction()
    if entry is not None and txn is not None and entry[0] is txn:
        return entry[1]
    value = loader()
    session.info[name] = (session.get_transaction(), value)
    return value


def forget_robots() -> None:
    """Drop the transaction's cached robots (after a robot was saved or deleted)."""
    db.session().info.pop("delivery_robots", None)


def _robots() -> dict[str, list[tuple[int, DeliveryChannel]]]:
    """Enabled robots by owner: {owner: [(robot id, provider)]} — one query per transaction."""
    def load():
        out: dict[str, list] = {}
        for robot_id, owner, provider in db.session.execute(
                sa.select(MessageRobot.id, MessageRobot.owner, MessageRobot.provider)
                .where(MessageRobot.enabled.is_(True)).order_by(MessageRobot.id)):
            out.setdefault(owner, []).append((robot_id, provider))
        return out
    return _cached("delivery_robots", load)


def _sent_targets(dedupe_key: str) -> set[str]:
    """Targets that already hold a message with this dedupe key — one query per key and transaction."""
    return _cached(f"delivery_key:{dedupe_key}", lambda: set(db.session.scalars(
        sa.select(Delivery.target).where(Delivery.dedupe_key == dedupe_key))))


def queue_email(user: User | int, kind: str, link: str = "", counts: dict | None = None,
                dedupe_key: str | None = None) -> Delivery | None:
    """Queue the e-mail of a notification when mail is configured and the user (when the object
    is at hand) is active with an address. The user's choice is read when it is sent. None when
    nothing was queued."""
    try:
        if not mail.enabled():
            return None
        if isinstance(user, User):
            if not user.active or not (user.email or "").strip():
                return None
            user_id = user.id
        else:
            user_id = int(user)
        k = kind_of(kind)
        delivery = Delivery(channel=DeliveryChannel.EMAIL, target=f"user:{user_id}",
                            user_id=user_id, kind=kind[:50], subject=k.label[:200],
                            text=k.external_text(counts), link=absolute_link(link)[:500],
                            dedupe_key=dedupe_key)
    except Exception:  # a message must never stop the action that made it
        log.exception("could not queue the e-mail of a %s notification", kind)
        return None
    db.session.add(delivery)
    return delivery


def announce(owner: str, kind: str, link: str = "", counts: dict | None = None,
             dedupe_key: str | None = None) -> list[Delivery]:
    """Queue a message to every enabled group robot of `owner` (`home:<id>` or `office`); with a
    dedupe key, a robot that already holds one with that key gets nothing. The queued rows."""
    try:
        robots = _robots().get(owner, [])
        if not robots:
            return []
        done = _sent_targets(dedupe_key) if dedupe_key else set()
        k = kind_of(kind)
        text, url = k.external_text(counts), absolute_link(link)[:500]
        out = []
        for robot_id, provider in robots:
            target = f"robot:{robot_id}"
            if target in done:
                continue
            out.append(Delivery(channel=provider, target=target, robot_id=robot_id,
                                kind=kind[:50], subject=k.label[:200], text=text, link=url,
                                dedupe_key=dedupe_key))
            done.add(target)
    except Exception:  # a message must never stop the action that made it
        log.exception("could not queue the group message %s for %s", kind, owner)
        return []
    db.session.add_all(out)
    return out


def office_owner() -> str:
    """The robot owner key of the provincial office."""
    return OFFICE_OWNER
