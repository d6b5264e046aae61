"""Verification queue (审核队列): submitted activities oldest first; verify, return with a reason,
bulk verify. Home managers review their Home's activities; the provincial admin may use the same
pages for any activity."""
import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.activities import bp
from blueprints.activities.filtering import page_filters
from blueprints.activities.loading import load_activity
from blueprints.decorators import roles_required
from blueprints.web import commit_operation, keyset_pager
from extensions import db
from models import Activity
from models.enums import ActivityStatus, Role
from services import activities as service
from services import summaries
from services.errors import ValidationFailed
from services.scope import scoped

REVIEWERS = (Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
PER_PAGE = 50


@bp.route("/manage/queue")
@roles_required(*REVIEWERS)
def queue():
    """Submitted activities waiting for verification, oldest first; ?q= narrows to a keyword."""
    stmt = (_waiting()
            .options(sa.orm.joinedload(Activity.organizer), sa.orm.joinedload(Activity.home),
                     sa.orm.selectinload(Activity.workers), sa.orm.selectinload(Activity.attachments)))
    # (status, submitted_at, id) is indexed: the page is read in index order, not sorted
    # (a submitted activity always has submitted_at).
    stmt, filters = page_filters(stmt, ("q",))
    # Unfiltered, the queue's total is the summary of submitted activities (exact, one row read).
    total = None if filters["q"] else summaries.submitted_count(_queue_home())
    page = keyset_pager(stmt, PER_PAGE, total=total)
    return render_template("activities/queue.html", page=page, q=filters["q"])


def _queue_home() -> int | None:
    """The Home whose queue the caller reviews (None: the province's, for the office)."""
    return None if current_user.role == Role.PROVINCIAL_ADMIN else current_user.scope_home_id


def _waiting():
    """The caller's waiting activities in queue order (oldest submitted first)."""
    return (scoped(Activity, current_user).where(Activity.status == ActivityStatus.SUBMITTED)
            .order_by(Activity.submitted_at.asc(), Activity.id.asc()))


@bp.route("/manage/activities/<int:activity_id>")
@roles_required(*REVIEWERS)
def review(activity_id):
    """An activity as its reviewer sees it, with verify and return; once it is reviewed, the next
    waiting activity of the queue (下一条) and how many wait."""
    item = load_activity(activity_id)
    others = _waiting().where(Activity.id != item.id)
    next_waiting = db.session.scalar(others.with_only_columns(Activity.id).limit(1))
    left = 0
    if next_waiting:  # the queue's count from the summary, this activity left out
        left = max(0, summaries.submitted_count(_queue_home())
                   - (item.status == ActivityStatus.SUBMITTED))
    return render_template("activities/detail.html", activity=item,
                           history=service.review_history(item.id),
                           next_waiting=next_waiting, waiting_left=left)


def _back(activity_id=None):
    target = request.form.get("next")
    if target == "queue" or activity_id is None:
        return redirect(url_for("activities.queue"), 303)
    return redirect(url_for("activities.review", activity_id=activity_id), 303)


@bp.route("/manage/activities/<int:activity_id>/verify", methods=["POST"])
@roles_required(*REVIEWERS)
def verify(activity_id):
    """Verify one submitted activity (a refusal is the service's 409)."""
    item = load_activity(activity_id)
    commit_operation(
        lambda: service.review_activity(current_user, item, "verify",
                                        request.form.get("comment", "")),
        success=f"已审核通过：{item.title}", errors=())
    return _back(activity_id)


@bp.route("/manage/activities/<int:activity_id>/return", methods=["POST"])
@roles_required(*REVIEWERS)
def return_activity(activity_id):
    """Return one submitted activity with a reason (required: else the page says so)."""
    item = load_activity(activity_id)
    commit_operation(
        lambda: service.review_activity(current_user, item, "return",
                                        request.form.get("comment", "")),
        success=f"已退回：{item.title}", failure="不能退回：", errors=(ValidationFailed,))
    return _back(activity_id)


@bp.route("/manage/queue/verify", methods=["POST"])
@roles_required(*REVIEWERS)
def bulk_verify():
    """Verify every checked activity that is still waiting."""
    done = commit_operation(
        lambda: service.verify_activities(current_user, request.form.getlist("ids")),
        errors=(ValidationFailed,), failure=None)
    if not done:
        return _flash_redirect("请至少选择一个活动", "warning")
    verified, skipped = done.value
    message = f"已审核通过 {len(verified)} 个活动"
    if skipped:
        message += f"，{len(skipped)} 个已不在待审核状态或不属于您，未处理"
    return _flash_redirect(message, "success" if not skipped else "warning")


def _flash_redirect(message: str, category: str):
    flash(message, category)
    return redirect(url_for("activities.queue"), 303)
