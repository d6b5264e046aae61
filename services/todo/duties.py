"""The 待办 of the separated administrators (SPEC §5.13), as services/todo counts: scalar SQL
expressions evaluated with the others in count_all's one statement.

- security_admin: accounts locked now (locked_until in the future);
- system_admin: failed job runs since each job's last successful run;
- audit_admin: the last `flask audit verify` (its time and result, audited as `audit_verified`)
  and how many verifications failed since the last one that found the chain whole.
"""
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from models import AuditLog, JobRun, User
from models.base import utcnow
from models.enums import JobStatus
from services.audit import VERIFIED


def locked_accounts(user: User) -> sa.ColumnElement:
    """Accounts whose lockout has not ended yet."""
    return (sa.select(sa.func.count(User.id)).where(User.locked_until > utcnow())
            .scalar_subquery())


def failed_job_runs(user: User) -> sa.ColumnElement:
    """Failed runs of every job after that job's last successful run (all its failures when it
    never succeeded): what still waits for the system administrator."""
    success = aliased(JobRun)
    last_success = (sa.select(sa.func.coalesce(sa.func.max(success.id), 0))
                    .where(success.job_name == JobRun.job_name,
                           success.status == JobStatus.SUCCESS)
                    .scalar_subquery())
    return (sa.select(sa.func.count(JobRun.id))
            .where(JobRun.status == JobStatus.FAILED, JobRun.id > last_success)
            .scalar_subquery())


def _last_verification():
    return (sa.select(sa.func.max(AuditLog.id)).where(AuditLog.action == VERIFIED)
            .scalar_subquery())


def last_chain_check_at(user: User) -> sa.ColumnElement:
    """When `flask audit verify` last ran (NULL when never)."""
    return (sa.select(AuditLog.created_at).where(AuditLog.id == _last_verification())
            .scalar_subquery())


def last_chain_check_result(user: User) -> sa.ColumnElement:
    """Its result: 'success' (the chain was whole) or 'failure' (NULL when never)."""
    return (sa.select(AuditLog.result).where(AuditLog.id == _last_verification())
            .scalar_subquery())


def chain_checks_failed(user: User) -> sa.ColumnElement:
    """Verifications that found the chain broken since the last one that found it whole."""
    last_whole = (sa.select(sa.func.coalesce(sa.func.max(AuditLog.id), 0))
                  .where(AuditLog.action == VERIFIED, AuditLog.result == "success")
                  .scalar_subquery())
    return (sa.select(sa.func.count(AuditLog.id))
            .where(AuditLog.action == VERIFIED, AuditLog.result == "failure",
                   AuditLog.id > last_whole)
            .scalar_subquery())
