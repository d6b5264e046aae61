"""Each user's choice of what to receive by e-mail, per topic (in-app notifications always arrive).

No stored choice means e-mail on. The choice is read when a message is sent, so switching a topic
off also stops what is already queued for it.
"""
import sqlalchemy as sa

from extensions import db
from models import Delivery, MessagePreference, User
from models.enums import DeliveryChannel
from services import audit, mail
from services.errors import ValidationFailed
from services.notifications.kinds import Topic, kind_of, topics_for
from services.notifications.outbox import absolute_link


def email_choices(user: User) -> list[tuple[Topic, bool]]:
    """(topic, e-mail on?) for every topic the user's role receives."""
    stored = dict(db.session.execute(
        sa.select(MessagePreference.topic, MessagePreference.email)
        .where(MessagePreference.user_id == user.id)).all())
    return [(topic, stored.get(topic.code, True)) for topic in topics_for(user.role)]


def save_email_choices(actor: User, wanted: set[str]) -> dict[str, bool]:
    """Store the actor's own choice: e-mail on for the topic codes in `wanted`, off for the other
    topics of their role (codes of other roles are ignored). Returns {topic: on}."""
    choices = {topic.code: topic.code in wanted for topic in topics_for(actor.role)}
    rows = {p.topic: p for p in db.session.scalars(
        sa.select(MessagePreference).where(MessagePreference.user_id == actor.id))}
    before = {code: (rows[code].email if code in rows else True) for code in choices}
    for code, on in choices.items():
        if code in rows:
            rows[code].email = on
        else:
            db.session.add(MessagePreference(user_id=actor.id, topic=code, email=on))
    if before != choices:
        audit.record(actor, "update_message_preferences", object_type="users",
                     object_id=actor.id, before={"email": before}, after={"email": choices})
    return choices


def change_email_choices(actor: User, changes: dict) -> dict[str, bool]:
    """Switch e-mail on (True) or off (False) for some topics of the actor's role, keeping the
    others. ValidationFailed naming `email` for a topic the role does not receive or a value that
    is not true or false. Returns {topic: on} for every topic of the role."""
    own = {topic.code: on for topic, on in email_choices(actor)}
    wrong = sorted(str(code) for code, on in (changes or {}).items()
                   if code not in own or not isinstance(on, bool))
    if wrong:
        raise ValidationFailed({"email": [
            f"无效的类别或取值：{'、'.join(wrong)}；可选类别：{'、'.join(own)}，取值为 true 或 false"]})
    own.update(changes or {})
    return save_email_choices(actor, {code for code, on in own.items() if on})


def queue_test_email(actor: User) -> Delivery | None:
    """Queue a test e-mail to the actor's own address; None when mail is off or they have none."""
    if not mail.enabled() or not (actor.email or "").strip():
        return None
    k = kind_of("channel_test")
    delivery = Delivery(channel=DeliveryChannel.EMAIL, target=f"user:{actor.id}",
                        user_id=actor.id, kind=k.code, subject=k.label, text=k.external_text(),
                        link=absolute_link("/"))
    db.session.add(delivery)
    return delivery
