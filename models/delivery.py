"""Messages outside the app: group robots a Home or the office configures, the queue of messages
to send (e-mail and robots), and each user's choice of what to receive by e-mail."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from models.enums import DeliveryChannel, DeliveryStatus, RobotFormat

#: `MessageRobot.owner` of the provincial office's robots; a Home's robots are `home:<id>`.
OFFICE_OWNER = "office"


class MessageRobot(TimestampMixin, Base):
    """A 企业微信 or 钉钉 group robot: one of each provider per owner (a Home or the office).

    `webhook_url` carries the robot's key or access token and `secret` the 钉钉 signing secret:
    both are secrets, shown masked and never written to the audit log.
    """

    __tablename__ = "message_robots"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(20))
    home_id: Mapped[int | None] = mapped_column(sa.ForeignKey("homes.id", ondelete="CASCADE"),
                                                index=True)
    provider: Mapped[DeliveryChannel] = enum_column(DeliveryChannel, "provider")
    webhook_url: Mapped[str] = mapped_column(sa.String(1000))
    secret: Mapped[str] = mapped_column(sa.String(200), default="")
    message_format: Mapped[RobotFormat] = enum_column(RobotFormat, "message_format",
                                                      default=RobotFormat.MARKDOWN)
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (sa.UniqueConstraint("owner", "provider"),)


class Delivery(Base):
    """One message queued for one channel target: an e-mail to a user or a post to a robot.

    `target` names who receives it (`user:<id>` or `robot:<id>`): the rate per channel counts
    attempts per target, and a dedupe key is unique per target. The text carries counts and a
    link, never names or mobiles.
    """

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[DeliveryChannel] = enum_column(DeliveryChannel, "channel")
    target: Mapped[str] = mapped_column(sa.String(40))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                                index=True)
    robot_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("message_robots.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    subject: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[DeliveryStatus] = enum_column(DeliveryStatus, "status",
                                                 default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    robot: Mapped["MessageRobot | None"] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("target", "dedupe_key"),
        sa.Index("ix_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_deliveries_target_last_attempt_at", "target", "last_attempt_at"),
    )


class MessagePreference(Base):
    """A user's choice for one topic of messages: e-mail on or off (in-app is always on).
    No row means the default: on."""

    __tablename__ = "message_preferences"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    topic: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    email: Mapped[bool] = mapped_column(default=True)
