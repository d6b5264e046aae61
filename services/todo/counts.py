"""One count per kind of waiting work, each a scalar SQL expression over the user's scope, and
`count_all`, which evaluates any of them for a user in one statement — so a landing page's 待办
costs one query whatever the data holds.

Each count takes the signed-in user and returns a scalar subquery (an int in SQL); a user outside
the count's audience (a manager without a Home) gets a constant 0.
"""
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from extensions import db
from models import Activity, Appeal, Application, Assessment, Notification, Objection, User
from models.enums import ActivityStatus, ApplicationStatus, AssessmentStatus, Role
from services import clock, compliance, summaries
from services.todo.overdue import OPEN, overdue_clause

Count = Callable[[User], sa.ColumnElement]


def _count(column, *where) -> sa.ColumnElement:
    return sa.select(sa.func.count(column)).where(*where).scalar_subquery()


def _zero() -> sa.ColumnElement:
    return sa.literal(0)


def returned_activities(user: User) -> sa.ColumnElement:
    """Activities the user organised that a reviewer returned for changes."""
    return _count(Activity.id, Activity.organizer_id == user.id,
                  Activity.status == ActivityStatus.RETURNED)


def unread_notifications(user: User) -> sa.ColumnElement:
    """The user's unread notifications."""
    return _count(Notification.id, Notification.user_id == user.id, Notification.read_at.is_(None))


def activities_to_verify(user: User) -> sa.ColumnElement:
    """Submitted activities of the manager's Home (the verification queue), read from the
    per-Home summary of submitted activities (services.summaries), not from the activities."""
    if user.scope_home_id is None:
        return _zero()
    return summaries.submitted_expression(user.scope_home_id)


def appeals_waiting(user: User) -> sa.ColumnElement:
    """Open appeals (已受理, 已转办) of the manager's Home."""
    if user.scope_home_id is None:
        return _zero()
    return _count(Appeal.id, Appeal.home_id == user.scope_home_id, Appeal.status.in_(OPEN))


def representatives_below(user: User) -> sa.ColumnElement:
    """Active representatives of the manager's Home below the five-contact rule this year
    (SPEC §5.1, CONTACT_THRESHOLD)."""
    if user.scope_home_id is None:
        return _zero()
    home_reps = compliance.representative_ids(home_id=user.scope_home_id)
    counts = compliance.contacted_counts(clock.today().year, home_reps)
    return (sa.select(sa.func.count(User.id))
            .select_from(User)
            .outerjoin(counts, counts.c.representative_id == User.id)
            .where(User.role == Role.REPRESENTATIVE, User.active.is_(True),
                   User.home_id == user.scope_home_id,
                   sa.func.coalesce(counts.c.contacted, 0) < compliance.threshold())
            .scalar_subquery())


def applications_to_review(user: User) -> sa.ColumnElement:
    """Applications submitted and not yet decided (the office's review queue)."""
    return _count(Application.id, Application.status == ApplicationStatus.SUBMITTED)


def objections_undecided(user: User) -> sa.ColumnElement:
    """Objections to published results the office has not decided."""
    return _count(Objection.id, Objection.decision.is_(None))


def appeals_overdue(user: User) -> sa.ColumnElement:
    """Open appeals of the province received more than APPEAL_OVERDUE_DAYS days ago."""
    return _count(Appeal.id, overdue_clause())


def assessments_to_finalise(user: User) -> sa.ColumnElement:
    """Assessments still drafts (any year), waiting for 定稿."""
    return _count(Assessment.id, Assessment.status == AssessmentStatus.DRAFT)


def oldest_draft_year(user: User) -> sa.ColumnElement:
    """The earliest year with a draft assessment (NULL when none): where 待定稿 links to."""
    return (sa.select(sa.func.min(Assessment.year))
            .where(Assessment.status == AssessmentStatus.DRAFT).scalar_subquery())


def count_all(user: User, counts: Sequence[Count]) -> list[int | None]:
    """The value of each expression for `user`, in order — one SELECT of scalar subqueries (none
    when `counts` is empty). Counts come back as ints (0 for none); other values as read."""
    if not counts:
        return []
    row = db.session.execute(sa.select(*(c(user).label(f"c{i}") for i, c in
                                         enumerate(counts)))).one()
    return list(row)
