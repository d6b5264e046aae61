"""经费奖补 (SPEC §5.12): the award per grade of a year, and the payments to Homes with their
reversals (红冲)."""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime, enum_column, utcnow
from models.enums import Grade


class SubsidyRate(TimestampMixin, Base):
    """A year's award in yuan per grade (`fail` is always 0). Fixed once a payment of the year
    exists (services/subsidies locks this row for both)."""
    __tablename__ = "subsidy_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    excellent: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    good: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    pass_: Mapped[Decimal] = mapped_column("pass", sa.Numeric(12, 2))
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))

    __table_args__ = (
        sa.CheckConstraint("excellent >= 0 AND good >= 0 AND pass >= 0", name="non_negative"),
    )

    def amount_for(self, grade: Grade | None) -> Decimal:
        """The award of `grade` (0 for fail or no grade)."""
        return {Grade.EXCELLENT: self.excellent, Grade.GOOD: self.good,
                Grade.PASS: self.pass_}.get(grade, Decimal("0.00"))


class SubsidyPayment(Base):
    """One payment (拨付) to a Home for a year. `current` is TRUE while it stands and NULL once
    reversed: the unique key (year, home_id, current) lets a Home hold one standing payment of a
    year and any number of reversed ones (NULLs are distinct), on SQLite and PostgreSQL alike."""
    __tablename__ = "subsidy_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id"))
    grade: Mapped[Grade] = enum_column(Grade, "grade")
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    paid_on: Mapped[date] = mapped_column(sa.Date)
    voucher: Mapped[str] = mapped_column(sa.String(50))
    paid_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    current: Mapped[bool | None] = mapped_column(default=True)
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reversed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"))
    reverse_reason: Mapped[str] = mapped_column(sa.Text, default="")

    home: Mapped["Home"] = relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("year", "home_id", "current", name="uq_subsidy_payments_standing"),
        sa.CheckConstraint("amount >= 0", name="amount_non_negative"),
        sa.CheckConstraint("current IS NULL OR current", name="current_true_or_null"),
        sa.Index("ix_subsidy_payments_year", "year"),
    )
