"""待办: what waits for a user, as counts — the public surface of services/todo/.

counts.py holds one count per kind of waiting work (each a SQL expression over the user's scope)
and `count_all`, which reads any set of them in a single statement; overdue.py says when an open
appeal is overdue (APPEAL_OVERDUE_DAYS); duties.py the separated administrators' entries (locked
accounts, failed job runs, the last check of the audit chain). Which role sees which entry, and
where each links, is the view's table (blueprints/web/todo.py).
"""
from services.todo.counts import (
    activities_to_verify,
    appeals_overdue,
    appeals_waiting,
    applications_to_review,
    assessments_to_finalise,
    count_all,
    objections_undecided,
    oldest_draft_year,
    representatives_below,
    returned_activities,
    unread_notifications,
)
from services.todo.duties import (
    chain_checks_failed,
    failed_job_runs,
    last_chain_check_at,
    last_chain_check_result,
    locked_accounts,
)
from services.todo.overdue import (
    is_overdue,
    overdue_before,
    overdue_clause,
    overdue_days,
)

__all__ = [
    "chain_checks_failed",
    "failed_job_runs",
    "last_chain_check_at",
    "last_chain_check_result",
    "locked_accounts",
    "activities_to_verify",
    "appeals_overdue",
    "appeals_waiting",
    "applications_to_review",
    "assessments_to_finalise",
    "count_all",
    "objections_undecided",
    "oldest_draft_year",
    "is_overdue",
    "overdue_before",
    "overdue_clause",
    "overdue_days",
    "representatives_below",
    "returned_activities",
    "unread_notifications",
]
