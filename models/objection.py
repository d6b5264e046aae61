"""Objections (公示异议) filed by the public against a published assessment (SPEC §5.6)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, enum_column, utcnow
from models.enums import ObjectionDecision


class Objection(Base):
    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    contact: Mapped[str] = mapped_column(sa.String(100))
    text: Mapped[str] = mapped_column(sa.Text)
    # The code the filer reads the decision with on /track (services/receipts.py).
    receipt: Mapped[str] = mapped_column(sa.String(16), unique=True)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # NULL until the provincial office decides; set once (a conditional UPDATE guards it).
    decision: Mapped[ObjectionDecision | None] = enum_column(ObjectionDecision, "decision",
                                                             nullable=True)
    response: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assessment: Mapped["Assessment"] = relationship()  # noqa: F821
    decided_by: Mapped["User | None"] = relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("length(text) BETWEEN 1 AND 2000", name="text_length"),
        sa.CheckConstraint("decision IS NULL OR length(response) >= 1",
                           name="decision_has_response"),
    )
