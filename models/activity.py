"""Activities (活动) under the four themes, with co-organisers, linked workers and attachments."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime, enum_column
from models.enums import THEME_KINDS, ActivityMode, ActivityStatus, Kind, Theme

activity_co_organizers = sa.Table(
    "activity_co_organizers",
    Base.metadata,
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)

activity_workers = sa.Table(
    "activity_workers",
    Base.metadata,
    sa.Column("activity_id", sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("worker_id", sa.ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)

_THEME_KIND_SQL = " OR ".join(
    f"(theme = '{theme.value}' AND kind IN ({', '.join(repr(k.value) for k in kinds)}))"
    for theme, kinds in THEME_KINDS.items()
)


class Activity(TimestampMixin, Base):
    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    home_id: Mapped[int] = mapped_column(sa.ForeignKey("homes.id"))
    # Indexed by ix_activities_organizer_id_status (organizer_id first), below.
    organizer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    theme: Mapped[Theme] = enum_column(Theme, "theme")
    kind: Mapped[Kind] = enum_column(Kind, "kind")
    title: Mapped[str] = mapped_column(sa.String(200))
    date: Mapped[date] = mapped_column(sa.Date)
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    mode: Mapped[ActivityMode] = enum_column(ActivityMode, "mode")
    participants: Mapped[int | None] = mapped_column()  # None: not given (未填写)
    summary: Mapped[str] = mapped_column(sa.Text)
    published: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ActivityStatus] = enum_column(ActivityStatus, "status",
                                                 default=ActivityStatus.DRAFT)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    verifier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 三级联动 (SPEC §5.12): set when the activity is verified — its organiser and co-organisers
    # then held at least two levels (province, city, county); kept so the summaries subtract
    # exactly what they added.
    linked_levels: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    # The survey a 科技工作者状况调查 (kind status_survey) carried out (SPEC §5.10), if any.
    survey_id: Mapped[int | None] = mapped_column(sa.ForeignKey("surveys.id", ondelete="SET NULL"))
    # The need it serves (SPEC §5.11): verifying the activity fulfils it.
    need_id: Mapped[int | None] = mapped_column(sa.ForeignKey("needs.id", ondelete="SET NULL"),
                                                index=True)

    home: Mapped["Home"] = relationship()  # noqa: F821
    organizer: Mapped["User"] = relationship(foreign_keys=[organizer_id])  # noqa: F821
    verifier: Mapped["User | None"] = relationship(foreign_keys=[verifier_id])  # noqa: F821
    survey: Mapped["Survey | None"] = relationship()  # noqa: F821
    need: Mapped["Need | None"] = relationship()  # noqa: F821
    co_organizers: Mapped[list["User"]] = relationship(secondary=activity_co_organizers)  # noqa: F821
    workers: Mapped[list["Worker"]] = relationship(secondary=activity_workers)  # noqa: F821
    attachments: Mapped[list["Attachment"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Attachment.id")

    __table_args__ = (
        sa.CheckConstraint("participants BETWEEN 0 AND 100000", name="participants_range"),
        sa.CheckConstraint("date >= '2000-01-01'", name="date_not_before_2000"),
        sa.CheckConstraint(_THEME_KIND_SQL, name="kind_of_theme"),
        sa.Index("ix_activities_home_id_date", "home_id", "date"),
        # API list order (date DESC, id DESC; scanned backwards) and keyset pages, province-wide
        # and per Home; the verification queues (status, submitted_at).
        sa.Index("ix_activities_date_id", "date", "id"),
        sa.Index("ix_activities_home_id_date_id", "home_id", "date", "id"),
        sa.Index("ix_activities_status_submitted_at", "status", "submitted_at", "id"),
        # Covering for the dashboards' aggregates of verified activities by year (bench/RESULTS.md).
        sa.Index("ix_activities_status_date", "status", "date", "home_id", "theme",
                 "organizer_id", "participants", "published"),
        # Covering for a Home's representatives table (services/compliance.py): each organiser's
        # verified activities up to a date, with their theme, from the index alone — cheap enough
        # that the plan drives from the Home's users instead of scanning all users in parallel.
        sa.Index("ix_activities_organizer_id_status", "organizer_id", "status", "date", "theme",
                 "id"),
        # Keyword search (services/activities/search.py): ILIKE '%…%' served by trigrams on PostgreSQL.
        sa.Index("ix_activities_title_trgm", "title", postgresql_using="gin",
                 postgresql_ops={"title": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        sa.Index("ix_activities_summary_trgm", "summary", postgresql_using="gin",
                 postgresql_ops={"summary": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    def __repr__(self):
        return f"<Activity {self.id} {self.title}>"


sa.event.listen(
    Activity.__table__, "before_create",
    sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


class Attachment(TimestampMixin, Base):
    """A file of an activity (jpg/png/pdf ≤ 10 MB), stored outside static/ under UPLOAD_DIR."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id", ondelete="CASCADE"),
                                             index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(50))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    activity: Mapped[Activity] = relationship(back_populates="attachments")

    __table_args__ = (
        sa.CheckConstraint("size > 0 AND size <= 10485760", name="size_limit"),
        sa.CheckConstraint("content_type IN ('image/jpeg', 'image/png', 'application/pdf')",
                           name="content_type_allowed"),
    )
