"""Sci-tech workers (科技工作者), representatives' links to them, and contact records (联系记录)."""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, enum_column
from models.enums import ContactChannel


class WorkerLink(TimestampMixin, Base):
    """A representative keeps in contact with a worker; a worker may be linked by several."""

    __tablename__ = "worker_links"

    representative_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    worker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("workers.id", ondelete="CASCADE"), primary_key=True, index=True)


class Worker(TimestampMixin, Base):
    __tablename__ = "workers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    work_unit: Mapped[str] = mapped_column(sa.String(100), default="")
    field: Mapped[str] = mapped_column(sa.String(100), default="")
    mobile: Mapped[str] = mapped_column(sa.String(20), default="")
    email: Mapped[str] = mapped_column(sa.String(120), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    representatives: Mapped[list["User"]] = relationship(  # noqa: F821
        secondary="worker_links", viewonly=True)

    __table_args__ = (
        # One worker per mobile (stored normalised, validation.normalize_mobile); blank is no mobile.
        sa.Index("uq_workers_mobile", "mobile", unique=True,
                 sqlite_where=sa.text("mobile != ''"), postgresql_where=sa.text("mobile != ''")),
    )


class ContactRecord(TimestampMixin, Base):
    """One contact between a representative and a worker; activity-created ones carry activity_id."""

    __tablename__ = "contact_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    representative_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("workers.id", ondelete="CASCADE"),
                                           index=True)
    date: Mapped[date] = mapped_column(sa.Date)
    channel: Mapped[ContactChannel] = enum_column(ContactChannel, "contact_channel")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    activity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="CASCADE"), index=True)

    representative: Mapped["User"] = relationship(foreign_keys=[representative_id])  # noqa: F821
    worker: Mapped[Worker] = relationship()

    __table_args__ = (
        # Covering: the five-contact rule counts distinct workers per representative and year
        # from the index alone (bench/RESULTS.md).
        sa.Index("ix_contact_records_representative_id_date", "representative_id", "date",
                 "worker_id"),
        # API list order (date DESC, id DESC) and its keyset pages, at the same cost at any depth.
        sa.Index("ix_contact_records_date_id", "date", "id"),
    )
