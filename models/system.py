"""Platform records: notifications, the audit log, API tokens, job runs and job locks."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, enum_column, utcnow
from models.enums import JobStatus


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(50))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(255), default="")
    # Jobs set a key per (user, subject, period) so that a second run sends nothing twice.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedupe_key"),
        sa.Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )


class AuditLog(Base):
    """One entry of the audit trail (SPEC §5.13): who did what to which object, from where, with
    what result; append-only and sealed into a SHA-256 hash chain (services/audit/chain.py).

    `seq` and `hash` are NULL only inside the transaction that writes the entry: its commit seals
    it (the next `seq`, and the hash over its content and the previous entry's hash). On PostgreSQL
    a trigger refuses UPDATE (except that sealing), DELETE and TRUNCATE.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No ON DELETE SET NULL: that would rewrite entries; an account with entries is deactivated.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(50))
    object_type: Mapped[str] = mapped_column(sa.String(50))
    object_id: Mapped[int | None]
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The real client's address (request.remote_addr after ProxyFix); NULL outside a request.
    address: Mapped[str | None] = mapped_column(sa.String(45))
    result: Mapped[str] = mapped_column(sa.String(10), default="success",
                                        server_default="success")
    detail: Mapped[dict | None] = mapped_column(sa.JSON)
    seq: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
    hash: Mapped[str | None] = mapped_column(sa.String(64))

    actor: Mapped["User | None"] = relationship()  # noqa: F821

    __table_args__ = (
        sa.Index("ix_audit_log_object", "object_type", "object_id"),
        sa.Index("ix_audit_log_action", "action", "id"),
        sa.CheckConstraint("result IN ('success', 'failure')", name="result"),
    )


#: PostgreSQL: the table refuses UPDATE (but the sealing of an entry into the hash chain: NULL seq
#: and hash set, nothing else changed), DELETE and TRUNCATE, whoever asks (SPEC §5.13). The test
#: database gets it from create_all; deployments from the Alembic migration that adds the chain.
AUDIT_GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
           AND NEW.id = OLD.id
           AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
           AND NEW.action = OLD.action AND NEW.object_type = OLD.object_type
           AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id
           AND NEW.before::text IS NOT DISTINCT FROM OLD.before::text
           AND NEW.after::text IS NOT DISTINCT FROM OLD.after::text
           AND NEW.detail::text IS NOT DISTINCT FROM OLD.detail::text
           AND NEW.reason = OLD.reason AND NEW.created_at = OLD.created_at
           AND NEW.address IS NOT DISTINCT FROM OLD.address AND NEW.result = OLD.result THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'audit_log is append-only: ' || TG_OP || ' refused',
                          ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""
AUDIT_GUARD_ROWS = ("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
AUDIT_GUARD_TRUNCATE = ("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")
for _statement in (AUDIT_GUARD_FUNCTION, AUDIT_GUARD_ROWS, AUDIT_GUARD_TRUNCATE):
    sa.event.listen(AuditLog.__table__, "after_create",
                    sa.DDL(_statement).execute_if(dialect="postgresql"))


class ApiToken(Base):
    """A bearer token: only its SHA-256 is stored; it expires after TOKEN_TTL_HOURS."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()  # noqa: F821


class JobRun(Base):
    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_name: Mapped[str] = mapped_column(sa.String(50))
    as_of: Mapped[date] = mapped_column(sa.Date)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[JobStatus] = enum_column(JobStatus, "status", default=JobStatus.RUNNING)
    counts: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str] = mapped_column(sa.Text, default="")

    __table_args__ = (sa.Index("ix_job_runs_job_name_started_at", "job_name", "started_at"),)


class JobLock(Base):
    """A lease: whoever holds an unexpired row for a job name runs it; a stale one may be taken over."""

    __tablename__ = "job_locks"

    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(100))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
