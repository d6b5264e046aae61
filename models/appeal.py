"""Appeals and suggestions (诉求/建议) collected by representatives."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime, enum_column
from models.enums import AppealCategory, AppealStatus


class Appeal(TimestampMixin, Base):
    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    representative_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    # The Home at the time the appeal was received: scope follows it even if the representative moves.
    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id", ondelete="SET NULL"))
    category: Mapped[AppealCategory] = enum_column(AppealCategory, "category")
    content: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[AppealStatus] = enum_column(AppealStatus, "status",
                                               default=AppealStatus.RECEIVED)
    response: Mapped[str] = mapped_column(sa.Text, default="")
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    representative: Mapped["User"] = relationship(foreign_keys=[representative_id])  # noqa: F821
    worker: Mapped["Worker | None"] = relationship()  # noqa: F821
    handled_by: Mapped["User | None"] = relationship(foreign_keys=[handled_by_id])  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("length(content) BETWEEN 1 AND 5000", name="content_length"),
        # API list order (created_at DESC, id DESC) and keyset pages, province-wide and per Home.
        sa.Index("ix_appeals_created_at_id", "created_at", "id"),
        sa.Index("ix_appeals_home_id_created_at_id", "home_id", "created_at", "id"),
    )
