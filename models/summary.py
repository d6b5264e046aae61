"""Summary tables: province-wide figures whose cost follows the number of Homes and
representatives, not of activities and contact records.

Kept by services/summaries/writes.py in the same transaction as every write that changes them, with
atomic upserts (`INSERT … ON CONFLICT DO UPDATE SET n = n + :delta`); rebuilt and checked by
`flask rebuild-summaries`. Rows whose counts fell to 0 may stay; readers sum, so they count
nothing. They hold only what stays true whatever the settings and memberships:
- verified activities (and their participants) per Home × year × month × theme — an activity
  counts once, for its own Home, whoever co-organised it;
- submitted activities (待审核) per Home, for the verification queues;
- contact records per representative × worker × year, and per representative × year the number
  of distinct workers with at least one (compliance is derived when reading, with
  CONTACT_THRESHOLD, and the representative's current Home and active flag).
"""
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ActivitySummary(Base):
    """Verified activities of a Home dated in a year and month, of a theme; `published` counts
    those of them that are also published (报道), which the assessment's B2 item reads by quarter;
    `linked` those that were 三级联动 (SPEC §5.12), which every dashboard reads."""

    __tablename__ = "summary_activities"

    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id", ondelete="CASCADE"),
                                         primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    activities: Mapped[int] = mapped_column(default=0)
    participants: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    published: Mapped[int] = mapped_column(default=0, server_default="0")
    # Of them, those that were 三级联动 when verified (Activity.linked_levels, SPEC §5.12).
    linked: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (
        # The province views read one year across all Homes.
        sa.Index("ix_summary_activities_year", "year", "home_id", "theme", "month",
                 "activities", "participants"),
    )


class ActivityYearSummary(Base):
    """summary_activities summed over the months: a Home's verified activities of a
    year by theme — what the per-Home tables read (one row per Home and theme, not twelve)."""

    __tablename__ = "summary_activity_years"

    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id", ondelete="CASCADE"),
                                         primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    activities: Mapped[int] = mapped_column(default=0)
    participants: Mapped[int] = mapped_column(sa.BigInteger, default=0)

    __table_args__ = (
        sa.Index("ix_summary_activity_years_year", "year", "home_id", "theme", "activities",
                 "participants"),
    )


class ProvinceMonthSummary(Base):
    """summary_activities summed over the Homes: the province's verified activities
    by year, month and theme — 48 rows a year, whatever the number of Homes."""

    __tablename__ = "summary_province_months"

    year: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    activities: Mapped[int] = mapped_column(default=0)
    participants: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ContactSummary(Base):
    """Contact records of a representative with a worker dated in a year."""

    __tablename__ = "summary_contacts"

    representative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    contacts: Mapped[int] = mapped_column(default=0)


class RepresentativeYearSummary(Base):
    """Distinct workers a representative contacted in a year (summary_contacts rows with
    contacts > 0), kept by the same upserts."""

    __tablename__ = "summary_representative_years"

    representative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    workers: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.Index("ix_summary_representative_years_year", "year", "representative_id", "workers"),
    )


#: Distinct workers counted per level in summary_home_contact_levels: levels 1..CONTACT_LEVEL_CAP.
#: A CONTACT_THRESHOLD above it is read from the per-representative rows instead.
CONTACT_LEVEL_CAP = 20


class HomeRepresentativeSummary(Base):
    """Active representatives of a Home: the denominator of its compliance rate."""

    __tablename__ = "summary_home_representatives"

    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id", ondelete="CASCADE"),
                                         primary_key=True)
    representatives: Mapped[int] = mapped_column(default=0)


class HomeSubmittedSummary(Base):
    """Activities of a Home now submitted (待审核): what its verification queue and the 待办
    panels count, without reading the activities."""

    __tablename__ = "summary_home_submitted"

    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id", ondelete="CASCADE"),
                                         primary_key=True)
    activities: Mapped[int] = mapped_column(default=0)


class HomeContactLevelSummary(Base):
    """Active representatives of a Home who contacted at least `level` distinct workers in a
    year (level 1..CONTACT_LEVEL_CAP; cumulative, so a threshold T reads the one row level = T).

    A representative with w workers counts in levels 1..min(w, CAP) of their current Home while
    active; a move, deactivation or activation moves all of those."""

    __tablename__ = "summary_home_contact_levels"

    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id", ondelete="CASCADE"),
                                         primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[int] = mapped_column(primary_key=True)
    representatives: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        # The province views read one year and one level across all Homes.
        sa.Index("ix_summary_home_contact_levels_year", "year", "level", "home_id",
                 "representatives"),
    )


class AppealSummary(Base):
    """Appeals of a Home received in a year (Asia/Shanghai) now in a status; for `resolved` ones
    also by the calendar days from received to resolved (0 for the other statuses), which gives
    the median without reading the appeals."""

    __tablename__ = "summary_appeals"

    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id", ondelete="CASCADE"),
                                         primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    days: Mapped[int] = mapped_column(primary_key=True)
    appeals: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.Index("ix_summary_appeals_year", "year", "status", "days", "home_id", "appeals"),
        sa.Index("ix_summary_appeals_status", "status", "home_id", "appeals"),
    )


class ProvinceAppealSummary(Base):
    """summary_appeals summed over the Homes: the province's appeals by received
    year, status and days to resolution — a few rows a year, whatever the number of Homes."""

    __tablename__ = "summary_province_appeals"

    year: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    days: Mapped[int] = mapped_column(primary_key=True)
    appeals: Mapped[int] = mapped_column(default=0)
