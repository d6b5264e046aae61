"""On-site sign-in (活动签到, SPEC §5.9): an activity's sign-in code and the people who signed in."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, UTCDateTime


class ActivitySignin(TimestampMixin, Base):
    """The sign-in of one activity: its code, who opened it, until when it is open.

    Open while `closed_at` is empty and the time is before `closes_at`. Reopening the same day keeps
    the code (one row per activity). `last_attendee_no` hands out attendee numbers under the row's
    lock; `summary_recorded_at` marks that the closing audit entry (the counts) was written.
    """

    __tablename__ = "activity_signins"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="CASCADE"), unique=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_attendee_no: Mapped[int] = mapped_column(default=0, server_default="0")
    summary_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped["Activity"] = relationship()  # noqa: F821
    opened_by: Mapped["User | None"] = relationship()  # noqa: F821


class Attendee(TimestampMixin, Base):
    """One person signed in at an activity (one per normalised mobile and activity).

    `worker_note` says what the SPEC §3 identity rule did with a 科技工作者: `linked` (a known worker
    of the same name), `created` (a new worker), `name_mismatch` (the mobile belongs to a worker of
    another name: nothing linked). `proxy` marks a 代签 by the organiser (the mobile may be blank).
    `cleared_at`: the retention job removed the personal data of an attendee not linked to a worker.
    """

    __tablename__ = "attendees"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(sa.ForeignKey("activities.id", ondelete="CASCADE"))
    attendee_no: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(50))
    mobile: Mapped[str | None] = mapped_column(sa.String(20))
    work_unit: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    field: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    is_worker: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    proxy: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    worker_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("workers.id", ondelete="SET NULL"), index=True)
    worker_note: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    worker: Mapped["Worker | None"] = relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("activity_id", "attendee_no", name="uq_attendees_activity_id_attendee_no"),
        # One row per person and activity; a 代签 without a phone and a cleared row hold NULL.
        sa.UniqueConstraint("activity_id", "mobile", name="uq_attendees_activity_id_mobile"),
        sa.CheckConstraint("worker_note IN ('', 'linked', 'created', 'name_mismatch')",
                           name="worker_note_known"),
    )
