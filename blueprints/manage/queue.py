"""Verification queue (审核队列): submitted activities oldest first; verify, return with a reason,
bulk verify. Provincial admins may use the same pages for any activity."""
import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.decorators import roles_required
from blueprints.manage import bp
from blueprints.rep.activities import load_activity
from extensions import db
from models import Activity
from models.enums import ActivityStatus, Role
from services import activities
from services import activities as service
from services.errors import ValidationFailed
from services.scope import scoped

REVIEWERS = (Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
PER_PAGE = 50


@bp.route("/queue")
@roles_required(*REVIEWERS)
def queue():
    """Submitted activities waiting for verification, oldest first; ?q= narrows to a keyword."""
    stmt = (scoped(Activity, current_user)
            .where(Activity.status == ActivityStatus.SUBMITTED)
            .options(sa.orm.joinedload(Activity.organizer), sa.orm.joinedload(Activity.home),
                     sa.orm.selectinload(Activity.workers), sa.orm.selectinload(Activity.attachments))
            # (status, submitted_at, id) is indexed: the page is read in index order, not sorted
            # (a submitted activity always has submitted_at).
            .order_by(Activity.submitted_at.asc(), Activity.id.asc()))
    q = activities.normalize(request.args.get("q"))
    page = db.paginate(activities.filter_activities(stmt, q), per_page=PER_PAGE, error_out=False)
    return render_template("manage/queue.html", page=page, q=q)


@bp.route("/activities/<int:activity_id>")
@roles_required(*REVIEWERS)
def activity(activity_id):
    """An activity as its reviewer sees it, with verify and return."""
    item = load_activity(activity_id)
    return render_template("manage/activity_detail.html", activity=item,
                           history=service.review_history(item.id))


@bp.route("/activities/print")
def activities_print():
    """A Home's verified activities of a year as an A4 print page."""
    from blueprints import print_views
    return print_views.home_activities()


def _back(activity_id=None):
    target = request.form.get("next")
    if target == "queue" or activity_id is None:
        return redirect(url_for("manage.queue"), 303)
    return redirect(url_for("manage.activity", activity_id=activity_id), 303)


@bp.route("/activities/<int:activity_id>/verify", methods=["POST"])
@roles_required(*REVIEWERS)
def activity_verify(activity_id):
    item = load_activity(activity_id)
    service.review_activity(current_user, item, "verify", request.form.get("comment", ""))
    db.session.commit()
    flash(f"已审核通过：{item.title}", "success")
    return _back(activity_id)


@bp.route("/activities/<int:activity_id>/return", methods=["POST"])
@roles_required(*REVIEWERS)
def activity_return(activity_id):
    item = load_activity(activity_id)
    try:
        service.review_activity(current_user, item, "return", request.form.get("comment", ""))
    except ValidationFailed as error:
        db.session.rollback()
        flash("不能退回：" + "；".join(m for ms in error.fields.values() for m in ms), "danger")
        return _back(activity_id)
    db.session.commit()
    flash(f"已退回：{item.title}", "success")
    return _back(activity_id)


@bp.route("/queue/verify", methods=["POST"])
@roles_required(*REVIEWERS)
def bulk_verify():
    """Verify every checked activity that is still waiting."""
    try:
        done, skipped = service.verify_activities(current_user, request.form.getlist("ids"))
    except ValidationFailed:
        db.session.rollback()
        flash("请至少选择一个活动", "warning")
        return redirect(url_for("manage.queue"), 303)
    db.session.commit()
    message = f"已审核通过 {len(done)} 个活动"
    if skipped:
        message += f"，{len(skipped)} 个已不在待审核状态或不属于您，未处理"
    flash(message, "success" if not skipped else "warning")
    return redirect(url_for("manage.queue"), 303)
