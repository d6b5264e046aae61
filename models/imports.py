"""Import (导入, SPEC §5.8): one upload of an Excel file — dry run, committed or refused — with its counts."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from models.base import Base, UTCDateTime, enum_column, utcnow
from models.enums import ImportKind, ImportStatus


class Import(Base):
    """Who imported what file of which kind, the outcome and the refused rows.

    The uploaded workbook is kept (`payload`) while it may still be confirmed or its refused rows
    downloaded; a commit clears it. `credentials_salt` derives the activation codes of the accounts
    a commit created (services/accounts/activation.py), so no code is ever stored in clear.
    """

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ImportKind] = enum_column(ImportKind, "import_kind")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    home_id: Mapped[int | None] = mapped_column(sa.ForeignKey("homes.id", ondelete="SET NULL"))
    file_name: Mapped[str] = mapped_column(sa.String(255), default="")
    status: Mapped[ImportStatus] = enum_column(ImportStatus, "import_status")
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    refused_count: Mapped[int] = mapped_column(default=0)
    refused: Mapped[list | None] = mapped_column(sa.JSON)
    # The first rows created or updated, with the changed cells (the `preview` of
    # services.imports.reading.Report).
    preview: Mapped[list | None] = deferred(mapped_column(sa.JSON))
    payload: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    credentials_salt: Mapped[str | None] = mapped_column(sa.String(64))
    credentials_user_ids: Mapped[list | None] = deferred(mapped_column(sa.JSON))
    credentials_taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped["User | None"] = relationship()  # noqa: F821
    home: Mapped["Home | None"] = relationship()  # noqa: F821

    @property
    def has_credentials(self) -> bool:
        """Whether a credentials workbook waits to be downloaded (once)."""
        return bool(self.credentials_salt) and self.credentials_taken_at is None

    def __repr__(self):
        return f"<Import {self.id} {self.kind} {self.status}>"
