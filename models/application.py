"""Application rounds (申报批次) and applications (申报书) to become a Home."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime, enum_column
from models.enums import ApplicationStatus


class ApplicationRound(TimestampMixin, Base):
    __tablename__ = "application_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    deadline: Mapped[date] = mapped_column(sa.Date)
    quota: Mapped[int] = mapped_column(default=10)

    applications: Mapped[list["Application"]] = relationship(back_populates="round")

    __table_args__ = (
        sa.CheckConstraint("quota >= 0", name="quota_not_negative"),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )


class Application(TimestampMixin, Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("application_rounds.id"), index=True)
    scheme: Mapped[str] = mapped_column(sa.Text, default="")
    contact_name: Mapped[str] = mapped_column(sa.String(50), default="")
    contact_mobile: Mapped[str] = mapped_column(sa.String(20), default="")
    fax: Mapped[str] = mapped_column(sa.String(30), default="")
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    pledge: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ApplicationStatus] = enum_column(ApplicationStatus, "status",
                                                    default=ApplicationStatus.DRAFT)
    opinion: Mapped[str] = mapped_column(sa.Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    unit: Mapped["Unit"] = relationship()  # noqa: F821
    round: Mapped[ApplicationRound] = relationship(back_populates="applications")
    reviewer: Mapped["User | None"] = relationship(foreign_keys=[reviewer_id])  # noqa: F821

    @property
    def current_opinion(self) -> str:
        """The provincial opinion that belongs to the present state: the remark of a return,
        approval or rejection. Once the unit resubmits, the earlier remark is history (kept in the
        audit log and in `opinion` for the API) and the form shows no opinion."""
        live = (ApplicationStatus.RETURNED, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
        return self.opinion or "" if self.status in live else ""

    __table_args__ = (
        # SPEC §5.2: at most one application per unit and round that is not rejected.
        sa.Index("uq_applications_live_unit_round", "unit_id", "round_id", unique=True,
                 sqlite_where=sa.text("status != 'rejected'"),
                 postgresql_where=sa.text("status != 'rejected'")),
    )
