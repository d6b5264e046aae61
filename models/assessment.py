"""Annual assessments (年度考核) of Homes and their seven items (SPEC §5.4)."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime, enum_column
from models.enums import AssessmentStatus, Grade

#: Item code → (maximum, Chinese label), in display order.
ITEMS = {
    "B1": (Decimal("10"), "场所与标识"),
    "B2": (Decimal("10"), "制度与机制"),
    "B3": (Decimal("10"), "计划与保障"),
    "A1": (Decimal("17.5"), "代表+党建"),
    "A2": (Decimal("17.5"), "代表+窗口"),
    "A3": (Decimal("17.5"), "代表+邻里"),
    "A4": (Decimal("17.5"), "代表+创新"),
}


class Assessment(TimestampMixin, Base):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id"))
    year: Mapped[int]
    total: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal("0"))
    grade: Mapped[Grade | None] = enum_column(Grade, "grade", nullable=True)
    status: Mapped[AssessmentStatus] = enum_column(AssessmentStatus, "status",
                                                   default=AssessmentStatus.DRAFT, index=True)
    publicity_start: Mapped[date | None] = mapped_column(sa.Date)
    publicity_end: Mapped[date | None] = mapped_column(sa.Date)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    effects_applied_on: Mapped[date | None] = mapped_column(sa.Date)

    home: Mapped["Home"] = relationship()  # noqa: F821
    items: Mapped[list["AssessmentItem"]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="AssessmentItem.id")

    __table_args__ = (
        sa.UniqueConstraint("home_id", "year"),
        sa.CheckConstraint("total >= 0 AND total <= 100", name="total_range"),
    )


class AssessmentItem(Base):
    __tablename__ = "assessment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(4))
    max_score: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    auto_score: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("0"))
    override_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    assessment: Mapped[Assessment] = relationship(back_populates="items")

    __table_args__ = (
        sa.UniqueConstraint("assessment_id", "code"),
        sa.CheckConstraint("code IN ('B1', 'B2', 'B3', 'A1', 'A2', 'A3', 'A4')", name="code_known"),
        sa.CheckConstraint("override_score IS NULL OR (override_score >= 0 "
                           "AND override_score <= max_score)", name="override_range"),
    )

    @property
    def score(self) -> Decimal:
        """The override when there is one, else the automatic score."""
        return self.override_score if self.override_score is not None else self.auto_score

    @property
    def label(self) -> str:
        return ITEMS[self.code][1]
