"""需求对接 (SPEC §5.11): an enterprise's technology need or a community's science order, filed by
anyone, dispatched by the office to a Home and assigned there to 1–5 representatives.

Status runs received → dispatched → assigned → fulfilled → closed, or declined (with a reason) from
received or dispatched; a Home may return a dispatched need (back to received, home_id cleared).
Each step keeps its moment (received_at … closed_at) for the figures; the rating is written once,
by the conditional UPDATE that claims it (rated_at IS NULL).
"""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from models.enums import NeedKind, NeedStatus

need_representatives = sa.Table(
    "need_representatives",
    Base.metadata,
    sa.Column("need_id", sa.ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class Need(TimestampMixin, Base):
    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NeedKind] = enum_column(NeedKind, "need_kind")
    title: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text)
    organization: Mapped[str] = mapped_column(sa.String(100))
    contact_name: Mapped[str] = mapped_column(sa.String(50))
    # Normalised (11 digits starting with 1); shown masked outside SPEC §5.11's readers.
    contact_mobile: Mapped[str] = mapped_column(sa.String(11))
    city: Mapped[str] = mapped_column(sa.String(10))
    field: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    status: Mapped[NeedStatus] = enum_column(NeedStatus, "need_status",
                                             default=NeedStatus.RECEIVED)
    receipt: Mapped[str] = mapped_column(sa.String(32), unique=True)
    # The Home it is dispatched to (None while received or declined before dispatch).
    home_id: Mapped[int | None] = mapped_column(sa.ForeignKey("homes.id", ondelete="SET NULL"))
    # The representative whose 代表码 page it was filed from (a hint for the office).
    hint_representative_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The latest reason a Home gave when returning it to the office.
    return_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rating: Mapped[int | None] = mapped_column(sa.SmallInteger)
    rating_comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    home: Mapped["Home | None"] = relationship()  # noqa: F821
    hint_representative: Mapped["User | None"] = relationship()  # noqa: F821
    representatives: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary=need_representatives, order_by="User.id")

    __table_args__ = (
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
        sa.CheckConstraint("length(title) BETWEEN 1 AND 100", name="title_length"),
        # The office's queue and keyset pages (received_at DESC, id DESC), per Home too.
        sa.Index("ix_needs_received_at_id", "received_at", "id"),
        sa.Index("ix_needs_home_id_received_at_id", "home_id", "received_at", "id"),
        sa.Index("ix_needs_status_received_at", "status", "received_at"),
    )

    def __repr__(self):
        return f"<Need {self.id} {self.title}>"
