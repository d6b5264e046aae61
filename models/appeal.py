"""Appeals and suggestions (诉求/建议) collected by representatives."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime, enum_column
from models.enums import AppealCategory, AppealSource, AppealStatus


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
    # 代表码 (SPEC §5.5): left through a representative's public page, followed by its receipt.
    source: Mapped[AppealSource] = enum_column(AppealSource, "source",
                                               default=AppealSource.REPRESENTATIVE,
                                               server_default=AppealSource.REPRESENTATIVE.value)
    receipt: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    submitter_name: Mapped[str] = mapped_column(sa.String(50), default="", server_default="")
    submitter_contact: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")

    representative: Mapped["User"] = relationship(foreign_keys=[representative_id])  # noqa: F821
    worker: Mapped["Worker | None"] = relationship()  # noqa: F821
    home: Mapped["Home"] = relationship()  # noqa: F821
    handled_by: Mapped["User | None"] = relationship(foreign_keys=[handled_by_id])  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("length(content) BETWEEN 1 AND 5000", name="content_length"),
        sa.CheckConstraint("source != 'qr' OR receipt IS NOT NULL", name="qr_has_receipt"),
        # API list order (created_at DESC, id DESC) and keyset pages, province-wide and per Home.
        sa.Index("ix_appeals_created_at_id", "created_at", "id"),
        sa.Index("ix_appeals_home_id_created_at_id", "home_id", "created_at", "id"),
    )
