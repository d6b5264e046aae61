"""Home (代表之家) with its basic conditions: profile, yearly plans and funding, service team."""
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, enum_column
from models.enums import HomeStatus


class Home(TimestampMixin, Base):
    __tablename__ = "homes"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    status: Mapped[HomeStatus] = enum_column(HomeStatus, "home_status", default=HomeStatus.ACTIVE,
                                             index=True)
    recognized_on: Mapped[date | None] = mapped_column(sa.Date)
    expires_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    # The year of the published assessment the last renewal rested on: one renewal per result,
    # so two renewals at once (or a double click) add two years once (SPEC §5.3, §10).
    renewed_for_year: Mapped[int | None] = mapped_column()
    # Basic conditions (基础条件)
    venue_address: Mapped[str] = mapped_column(sa.String(200), default="")
    has_sign: Mapped[bool] = mapped_column(default=False)
    has_facilities: Mapped[bool] = mapped_column(default=False)
    management_rules: Mapped[bool] = mapped_column(default=False)

    unit: Mapped["Unit"] = relationship(back_populates="home")  # noqa: F821
    plans: Mapped[list["HomePlan"]] = relationship(back_populates="home",
                                                   cascade="all, delete-orphan")
    service_team: Mapped[list["ServiceTeamMember"]] = relationship(
        back_populates="home", cascade="all, delete-orphan", order_by="ServiceTeamMember.id")

    __table_args__ = (
        sa.CheckConstraint("expires_on IS NULL OR recognized_on IS NULL OR expires_on > recognized_on",
                           name="validity_order"),
    )

    def is_valid_on(self, day: date) -> bool:
        """SPEC §5.3: valid on d when recognized_on ≤ d < expires_on."""
        return bool(self.recognized_on and self.expires_on
                    and self.recognized_on <= day < self.expires_on)

    @property
    def last_valid_day(self) -> date | None:
        """The last day the recognition is valid: expires_on − 1 (SPEC §5.3: valid while d <
        expires_on). Pages and exports show this as 有效期至; the API keeps expires_on."""
        return self.expires_on - timedelta(days=1) if self.expires_on else None

    def __repr__(self):
        return f"<Home {self.id} {self.name}>"


class HomePlan(TimestampMixin, Base):
    """A Home's work plan (年度工作计划) and special funding (专项经费) for one year."""

    __tablename__ = "home_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id", ondelete="CASCADE"))
    year: Mapped[int]
    plan: Mapped[str] = mapped_column(sa.Text, default="")
    funding: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), default=Decimal("0"))

    home: Mapped[Home] = relationship(back_populates="plans")

    __table_args__ = (
        sa.UniqueConstraint("home_id", "year"),
        sa.CheckConstraint("funding >= 0", name="funding_not_negative"),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )


class ServiceTeamMember(TimestampMixin, Base):
    """A member of a Home's service team (服务团队)."""

    __tablename__ = "service_team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    duty: Mapped[str] = mapped_column(sa.String(100), default="")

    home: Mapped[Home] = relationship(back_populates="service_team")
