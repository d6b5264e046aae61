"""Activity pages: record (theme → kind), my activities, detail, edit, submit, delete, attachments.

The form is also used by Home managers (for their Home) and for edits a manager or provincial
admin makes; the service decides who may do what, the scope decides who may see what (404).
"""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from blueprints import activity_filters
from blueprints.body_limits import FORM_ALLOWANCE, accepts_upload
from blueprints.decorators import roles_required
from blueprints.rep import bp
from extensions import db
from models import Activity, Attachment, User, Worker, WorkerLink
from models.enums import THEME_KINDS, ActivityMode, ActivityStatus, Role, Theme
from services import activities as attachment_service
from services import activities as service
from services.clock import today
from services.errors import Conflict, Forbidden, ValidationFailed
from services.scope import get_scoped, scoped

PER_PAGE = 20
LOAD = (sa.orm.selectinload(Activity.workers), sa.orm.selectinload(Activity.co_organizers),
        sa.orm.selectinload(Activity.attachments), sa.orm.joinedload(Activity.organizer),
        sa.orm.joinedload(Activity.verifier))


def load_activity(activity_id) -> Activity:
    """The activity with what its pages show, or 404 outside the caller's scope."""
    return get_scoped(Activity, activity_id, current_user, options=LOAD)


def _choices(organizer: User, home_id: int):
    """(workers the organiser may link, active representatives who may co-organise)."""
    stmt = sa.select(Worker).join(WorkerLink, WorkerLink.worker_id == Worker.id)
    if organizer.role == Role.REPRESENTATIVE:
        stmt = stmt.where(WorkerLink.representative_id == organizer.id)
    else:
        stmt = stmt.join(User, User.id == WorkerLink.representative_id).where(
            User.home_id == home_id, User.role == Role.REPRESENTATIVE)
    workers = list(db.session.scalars(stmt.distinct().order_by(Worker.name, Worker.id)))
    reps = list(db.session.scalars(sa.select(User).where(
        User.home_id == home_id, User.role == Role.REPRESENTATIVE, User.active.is_(True),
        User.id != organizer.id).order_by(User.name, User.id)))
    return workers, reps


def _form_data() -> dict:
    form = request.form
    return {
        "theme": form.get("theme", ""), "kind": form.get("kind", ""),
        "title": form.get("title", ""), "date": form.get("date", ""),
        "location": form.get("location", ""), "mode": form.get("mode", ""),
        "participants": form.get("participants", ""), "summary": form.get("summary", ""),
        "published": "published" in form,
        "worker_ids": form.getlist("worker_ids"), "co_organizer_ids": form.getlist("co_organizer_ids"),
    }


def _values_of(activity: Activity | None) -> dict:
    if activity is None:
        return {"theme": "", "kind": "", "title": "", "date": today().isoformat(), "location": "",
                "mode": ActivityMode.OFFLINE.value, "participants": "", "summary": "",
                "published": False, "worker_ids": [], "co_organizer_ids": []}
    return {"theme": activity.theme.value, "kind": activity.kind.value, "title": activity.title,
            "date": activity.date.isoformat(), "location": activity.location,
            "mode": activity.mode.value, "participants": activity.participants,
            "summary": activity.summary, "published": activity.published,
            "worker_ids": [w.id for w in activity.workers],
            "co_organizer_ids": [u.id for u in activity.co_organizers]}


def _render_form(activity, values, errors, organizer, home_id, status=200):
    workers, reps = _choices(organizer, home_id)
    chosen_workers = {str(i) for i in values.get("worker_ids", [])}
    chosen_reps = {str(i) for i in values.get("co_organizer_ids", [])}
    return render_template(
        "rep/activity_form.html", activity=activity, values=values, errors=errors or {},
        workers=workers, reps=reps, chosen_workers=chosen_workers, chosen_reps=chosen_reps,
        theme_kinds=THEME_KINDS, themes=list(Theme), modes=list(ActivityMode),
        today=today().isoformat(), max_files=attachment_service.MAX_PER_ACTIVITY), status


def after_save_url(activity: Activity) -> str:
    if current_user.role == Role.REPRESENTATIVE:
        return url_for("rep.activity_detail", activity_id=activity.id)
    return url_for("manage.activity", activity_id=activity.id)


@bp.route("/activities/new", methods=["GET", "POST"])
@accepts_upload(service.MAX_PER_ACTIVITY * service.MAX_SIZE + FORM_ALLOWANCE)
@roles_required(Role.REPRESENTATIVE, Role.HOME_MANAGER)
def activity_new():
    """Record an activity: save as draft or submit for verification."""
    home_id = current_user.scope_home_id
    if home_id is None:
        raise Forbidden("您的单位尚无代表之家，不能记录活动")
    if request.method == "GET":
        return _render_form(None, _values_of(None), {}, current_user, home_id)
    data = _form_data()
    submit = request.form.get("action") != "draft"
    try:
        activity = service.create_activity(current_user, data, submit=submit,
                                  files=request.files.getlist("attachments"))
    except ValidationFailed as error:
        db.session.rollback()
        return _render_form(None, data, error.fields, current_user, home_id, 422)
    db.session.commit()
    flash("活动已提交审核" if submit else "活动已保存为草稿", "success")
    return redirect(after_save_url(activity))


@bp.route("/activities")
@roles_required(Role.REPRESENTATIVE)
def activities():
    """My activities (organised or co-organised), newest first, filtered by status, theme, year
    and keyword (q)."""
    stmt = scoped(Activity, current_user).options(
        sa.orm.joinedload(Activity.organizer), sa.orm.selectinload(Activity.workers))
    stmt, filters = activity_filters.apply(stmt)
    page = db.paginate(stmt.order_by(Activity.date.desc(), Activity.id.desc()), per_page=PER_PAGE,
                       error_out=False)
    return render_template("rep/activity_list.html", page=page, **filters)


@bp.route("/activities/<int:activity_id>")
@login_required
def activity_detail(activity_id):
    """One activity, with the actions the caller may take."""
    activity = load_activity(activity_id)
    return render_template("rep/activity_detail.html", activity=activity,
                           history=service.review_history(activity.id))


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@accepts_upload(service.MAX_PER_ACTIVITY * service.MAX_SIZE + FORM_ALLOWANCE)
@login_required
def activity_edit(activity_id):
    """Edit an activity (organiser or manager while not verified; a provincial admin always)."""
    activity = load_activity(activity_id)
    if not service.can_edit(current_user, activity):
        raise Forbidden("该活动当前不能由您修改" if activity.status != ActivityStatus.VERIFIED
                        else "活动已审核通过，不能再修改")
    organizer = activity.organizer
    if request.method == "GET":
        return _render_form(activity, _values_of(activity), {}, organizer, activity.home_id)
    data = _form_data()
    action = request.form.get("action")
    submit = True if action == "submit" else (False if action == "draft" else None)
    try:
        service.update_activity(current_user, activity, data, submit=submit,
                       files=request.files.getlist("attachments"))
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        activity = load_activity(activity_id)
        errors = error.fields or {"form": [error.message]}
        return _render_form(activity, data, errors, organizer, activity.home_id, 422)
    db.session.commit()
    flash("活动已提交审核" if submit else "活动已保存", "success")
    return redirect(after_save_url(activity))


@bp.route("/activities/<int:activity_id>/submit", methods=["POST"])
@login_required
def activity_submit(activity_id):
    """Submit a draft or returned activity."""
    activity = load_activity(activity_id)
    try:
        service.submit_activity(current_user, activity)
    except (ValidationFailed, Conflict) as error:
        db.session.rollback()
        messages = [m for ms in error.fields.values() for m in ms] or [error.message]
        flash("不能提交：" + "；".join(messages), "danger")
        return redirect(url_for("rep.activity_detail", activity_id=activity_id)), 303
    db.session.commit()
    flash("活动已提交审核", "success")
    return redirect(after_save_url(activity))


@bp.route("/activities/<int:activity_id>/delete", methods=["POST"])
@login_required
def activity_delete(activity_id):
    """Delete an activity with its contact records and attachments."""
    activity = load_activity(activity_id)
    title = activity.title
    service.delete_activity(current_user, activity)
    db.session.commit()
    flash(f"已删除活动“{title}”", "success")
    if current_user.role == Role.REPRESENTATIVE:
        return redirect(url_for("rep.activities"))
    return redirect(url_for("manage.queue"))


def _load_attachment(attachment_id) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        abort(404)
    load_activity(attachment.activity_id)  # 404 unless the caller may see the activity
    return attachment


@bp.route("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id):
    """Serve an attachment to those who may see its activity: PDFs download, images inline."""
    item = _load_attachment(attachment_id)
    response = attachment_service.send(item, as_attachment=item.content_type == "application/pdf")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/attachments/<int:attachment_id>/thumb")
@login_required
def attachment_thumb(attachment_id):
    """A photo's thumbnail, to those who may see its activity (404 for a PDF or a broken image)."""
    from blueprints.thumbs import thumb_response
    return thumb_response(_load_attachment(attachment_id), private=True)


@bp.route("/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def attachment_delete(attachment_id):
    """Remove one attachment of an activity the caller may edit."""
    item = _load_attachment(attachment_id)
    activity_id = item.activity_id
    service.remove_attachment(current_user, item)
    db.session.commit()
    flash("附件已删除", "success")
    return redirect(url_for("rep.activity_edit", activity_id=activity_id))
