"""Recording and editing an activity: record (theme → kind), detail, edit, submit, delete.

Representatives record their own activities and managers those of their Home; a manager or the
provincial admin may edit another's. The service decides who may do what, the scope decides who may
see what (404)."""
import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from blueprints.activities import bp
from blueprints.activities.loading import after_save_url, load_activity, load_readable_activity
from blueprints.body_limits import FORM_ALLOWANCE, accepts_upload
from blueprints.decorators import roles_required
from blueprints.web import commit_operation
from extensions import db
from models import Activity, Home, Need, User, Worker, WorkerLink
from models.enums import THEME_KINDS, ActivityMode, ActivityStatus, Role, Theme
from models.user import name_sort_key
from services import activities as service
from services import needs, surveys
from services.clock import today
from services.errors import Forbidden, ValidationFailed


def _choices(organizer: User, home_id: int):
    """(workers the organiser may link, active representatives who may co-organise), each in
    pinyin order of the name (workers by name_sort_key, representatives by users.name_key)."""
    stmt = sa.select(Worker).join(WorkerLink, WorkerLink.worker_id == Worker.id)
    if organizer.role == Role.REPRESENTATIVE:
        stmt = stmt.where(WorkerLink.representative_id == organizer.id)
    else:
        stmt = stmt.join(User, User.id == WorkerLink.representative_id).where(
            User.home_id == home_id, User.role == Role.REPRESENTATIVE)
    workers = sorted(db.session.scalars(stmt.distinct()),
                     key=lambda w: (name_sort_key(w.name), w.id))
    reps = list(db.session.scalars(sa.select(User).where(
        User.home_id == home_id, User.role == Role.REPRESENTATIVE, User.active.is_(True),
        User.id != organizer.id).order_by(User.name_key, User.id)))
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
        "survey_id": form.get("survey_id", ""), "need_id": form.get("need_id", ""),
    }


def _values_of(activity: Activity | None) -> dict:
    if activity is None:
        return {"theme": "", "kind": "", "title": "", "date": today().isoformat(), "location": "",
                "mode": ActivityMode.OFFLINE.value, "participants": "", "summary": "",
                "published": False, "worker_ids": [], "co_organizer_ids": [], "survey_id": "",
                "need_id": request.args.get("need_id", "")}
    return {"theme": activity.theme.value, "kind": activity.kind.value, "title": activity.title,
            "date": activity.date.isoformat(), "location": activity.location,
            "mode": activity.mode.value, "participants": activity.participants,
            "summary": activity.summary, "published": activity.published,
            "worker_ids": [w.id for w in activity.workers],
            "co_organizer_ids": [u.id for u in activity.co_organizers],
            "survey_id": activity.survey_id or "", "need_id": activity.need_id or ""}


def _need_choices(activity, home_id) -> list:
    """The needs an activity of the Home may serve, with the one it already names."""
    choices = needs.servable_needs(home_id) if home_id is not None else []
    if activity is not None and activity.need_id and all(n.id != activity.need_id for n in choices):
        current = db.session.get(Need, activity.need_id)
        if current is not None:
            choices.insert(0, current)
    return choices


def _other_homes_chosen(chosen: set[str], reps) -> list[tuple[int, str, str]]:
    """(id, name, Home name) of the chosen co-organisers who are not among `reps` (the Home's
    own): representatives of other Homes picked through the search (one SELECT, none when
    nothing else is chosen)."""
    own = {str(r.id) for r in reps}
    ids = [int(i) for i in chosen - own if str(i).isdigit()][:1000]
    if not ids:
        return []
    return [tuple(row) for row in db.session.execute(
        sa.select(User.id, User.name, Home.name).join(Home, Home.id == User.home_id)
        .where(User.id.in_(ids), User.role == Role.REPRESENTATIVE).order_by(User.name, User.id))]


def _render_form(activity, values, errors, organizer, home_id, status=200):
    workers, reps = _choices(organizer, home_id)
    chosen_workers = {str(i) for i in values.get("worker_ids", [])}
    chosen_reps = {str(i) for i in values.get("co_organizer_ids", [])}
    return render_template(
        "activities/form.html", activity=activity, values=values, errors=errors or {},
        workers=workers, reps=reps, chosen_workers=chosen_workers, chosen_reps=chosen_reps,
        other_reps=_other_homes_chosen(chosen_reps, reps),
        theme_kinds=THEME_KINDS, themes=list(Theme), modes=list(ActivityMode),
        survey_choices=surveys.survey_choices(), need_choices=_need_choices(activity, home_id),
        today=today().isoformat(), max_files=service.MAX_PER_ACTIVITY), status


def _field_errors(error) -> dict:
    return error.fields or {"form": [error.message]}


@bp.route("/me/activities/new", methods=["GET", "POST"])
@accepts_upload(service.MAX_PER_ACTIVITY * service.MAX_SIZE + FORM_ALLOWANCE)
@roles_required(Role.REPRESENTATIVE, Role.HOME_MANAGER)
def new():
    """Record an activity: save as draft or submit for verification."""
    home_id = current_user.scope_home_id
    if home_id is None:
        raise Forbidden("您的单位尚无代表之家，不能记录活动")
    if request.method == "GET":
        return _render_form(None, _values_of(None), {}, current_user, home_id)
    data = _form_data()
    submit = request.form.get("action") != "draft"
    done = commit_operation(
        lambda: service.create_activity(current_user, data, submit=submit,
                                        files=request.files.getlist("attachments")),
        failure=None, success="活动已提交审核" if submit else "活动已保存为草稿",
        errors=(ValidationFailed,))
    if done:
        return redirect(after_save_url(done.value))
    return _render_form(None, data, _field_errors(done.error), current_user, home_id, 422)


@bp.route("/me/activities/<int:activity_id>")
@login_required
def detail(activity_id):
    """One activity, with the actions the caller may take. The manager of a co-organiser's Home
    reads a joint activity here too (read-only: it may withdraw its Home's co-organisers)."""
    activity = load_readable_activity(activity_id)
    return render_template("activities/detail.html", activity=activity,
                           history=service.review_history(activity.id),
                           joint_view=service.reads_as_joint_home(current_user, activity))


@bp.route("/me/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@accepts_upload(service.MAX_PER_ACTIVITY * service.MAX_SIZE + FORM_ALLOWANCE)
@login_required
def edit(activity_id):
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
    done = commit_operation(
        lambda: service.update_activity(current_user, activity, data, submit=submit,
                                        files=request.files.getlist("attachments")),
        failure=None, success="活动已提交审核" if submit else "活动已保存")
    if done:
        return redirect(after_save_url(activity))
    activity = load_activity(activity_id)
    return _render_form(activity, data, _field_errors(done.error), organizer, activity.home_id, 422)


@bp.route("/me/activities/<int:activity_id>/submit", methods=["POST"])
@login_required
def submit(activity_id):
    """Submit a draft or returned activity."""
    activity = load_activity(activity_id)
    if commit_operation(lambda: service.submit_activity(current_user, activity),
                        failure="不能提交：", success="活动已提交审核"):
        return redirect(after_save_url(activity))
    return redirect(url_for("activities.detail", activity_id=activity_id)), 303


@bp.route("/me/activities/<int:activity_id>/delete", methods=["POST"])
@login_required
def delete(activity_id):
    """Delete an activity with its contact records and attachments."""
    activity = load_activity(activity_id)
    title = activity.title
    commit_operation(lambda: service.delete_activity(current_user, activity),
                     success=f"已删除活动“{title}”", errors=())
    if current_user.role == Role.REPRESENTATIVE:
        return redirect(url_for("activities.mine"))
    return redirect(url_for("activities.queue"))

