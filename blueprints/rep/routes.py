"""Representative pages: 我的, sci-tech workers, contact records, appeals.

(The activity pages live in blueprints/activities/.)
"""
import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from blueprints.decorators import roles_required
from blueprints.rep import bp
from blueprints.rep.contact_forms import AppealForm, ContactForm, LinkForm, WorkerForm
from blueprints.web import commit_operation
from extensions import db
from models import Activity, Appeal, ContactRecord, Worker, WorkerLink, activity_co_organizers
from models.enums import ActivityStatus, Role, Theme
from models.user import name_sort_key
from services import appeals as appeal_service
from services import clock, compliance, surveys
from services import contacts as contact_service
from services import contacts as worker_service
from services.errors import Conflict, ValidationFailed
from services.scope import get_scoped, scoped

REP = Role.REPRESENTATIVE


def _mine_clause():
    """Activities where the current user is the organiser or a co-organiser."""
    return sa.or_(Activity.organizer_id == current_user.id,
                  Activity.id.in_(sa.select(activity_co_organizers.c.activity_id).where(
                      activity_co_organizers.c.user_id == current_user.id)))


@bp.route("/")
@roles_required(REP)
def me():
    """我的: progress toward the contact threshold, workers contacted or not, activities, returns."""
    year = clock.today().year
    threshold = compliance.threshold()
    workers = compliance.linked_workers_status(current_user.id, year)
    contacted = compliance.contacted_count(current_user.id, year)
    start, end = compliance.year_bounds(year)
    by_theme = {t.value: {"verified": 0, "submitted": 0} for t in Theme}
    for theme, status, n in db.session.execute(
            sa.select(Activity.theme, Activity.status, sa.func.count(Activity.id))
            .where(_mine_clause(), Activity.date >= start, Activity.date <= end,
                   Activity.status.in_([ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED]))
            .group_by(Activity.theme, Activity.status)):
        by_theme[Theme(theme).value][ActivityStatus(status).value] = n
    returned = db.session.scalars(
        sa.select(Activity).where(Activity.organizer_id == current_user.id,
                                  Activity.status == ActivityStatus.RETURNED)
        .order_by(Activity.date.desc(), Activity.id.desc()).limit(20)).all()
    return render_template(
        "rep/me.html", year=year, threshold=threshold, contacted=contacted,
        percent=min(100, round(contacted * 100 / threshold)) if threshold else 100,
        done=[w for w in workers if w[1] > 0], pending=[w for w in workers if w[1] == 0],
        by_theme=by_theme, themes=list(Theme), returned=returned,
        open_surveys=_survey_links())


def _survey_links() -> list[tuple]:
    """(survey, this representative's link, its QR code as inline SVG) of each survey taking
    answers today (SPEC §5.10)."""
    if not current_user.public_code:
        return []
    out = []
    for survey in surveys.open_surveys():
        link = surveys.survey_url(survey.id, current_user.public_code)
        # segno writes only paths and a fixed title: no user text reaches this SVG.
        out.append((survey, link, Markup(surveys.survey_qr_svg(link, scale=3))))  # noqa: S704
    return out


@bp.route("/workers", methods=["GET", "POST"])
@roles_required(REP)
def workers():
    """My linked workers with their contacts this year; add a new worker or link an existing one."""
    add_form, link_form = WorkerForm(prefix="add"), LinkForm(prefix="link")
    action = request.form.get("action")
    outcome = None
    if request.method == "POST" and action == "add" and add_form.validate_on_submit():
        outcome = commit_operation(
            lambda: worker_service.create_worker(current_user, _data(add_form)), form=add_form,
            success=lambda worker: f"已添加并关联科技工作者 {worker.name}")
    elif request.method == "POST" and action == "link" and link_form.validate_on_submit():
        outcome = commit_operation(
            lambda: worker_service.link_by_mobile(current_user, link_form.mobile.data,
                                                  link_form.name.data), form=link_form,
            success=lambda worker: f"已关联科技工作者 {worker.name}")
    if outcome:
        return redirect(url_for("rep.workers"))
    year = clock.today().year
    rows = compliance.linked_workers_status(current_user.id, year)
    status = 422 if add_form.errors or add_form.form_errors or link_form.errors \
        or link_form.form_errors else 200
    if outcome is not None:
        status = outcome.error.status  # 409 for a known mobile under another name
    return render_template("rep/workers.html", rows=rows, year=year, add_form=add_form,
                           link_form=link_form), status


def _data(form) -> dict:
    return {k: v for k, v in form.data.items() if k not in ("submit", "csrf_token")}


def _my_worker(worker_id) -> Worker:
    return get_scoped(Worker, worker_id, current_user)


@bp.route("/workers/<int:worker_id>")
@roles_required(REP)
def worker_detail(worker_id):
    """A worker I linked: my progress this year (contacted / threshold) with the next linked worker
    not yet contacted, details, my contact records with them, a form to add one."""
    worker = _my_worker(worker_id)
    year = clock.today().year
    progress = {"year": year, "contacted": compliance.contacted_count(current_user.id, year),
                "threshold": compliance.threshold(),
                "next": compliance.next_uncontacted_worker(current_user.id, year,
                                                           exclude=worker.id)}
    records = db.session.scalars(
        sa.select(ContactRecord).where(ContactRecord.representative_id == current_user.id,
                                       ContactRecord.worker_id == worker.id)
        .order_by(ContactRecord.date.desc(), ContactRecord.id.desc())).all()
    form = ContactForm()
    form.worker_id.choices = [(str(worker.id), worker.name)]
    form.worker_id.data = str(worker.id)
    form.date.data = clock.today()
    return render_template("rep/worker_detail.html", worker=worker, records=records, form=form,
                           progress=progress)


@bp.route("/workers/<int:worker_id>/edit", methods=["GET", "POST"])
@roles_required(REP)
def worker_edit(worker_id):
    worker = _my_worker(worker_id)
    form = WorkerForm(obj=worker)
    if form.validate_on_submit() and commit_operation(
            lambda: worker_service.update_worker(current_user, worker, _data(form)), form=form,
            success="科技工作者信息已保存"):
        return redirect(url_for("rep.worker_detail", worker_id=worker.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("rep/worker_form.html", form=form, worker=worker), status


@bp.route("/workers/<int:worker_id>/unlink", methods=["POST"])
@roles_required(REP)
def worker_unlink(worker_id):
    worker = _my_worker(worker_id)
    commit_operation(lambda: worker_service.unlink_worker(current_user, worker),
                     success=f"已取消关联 {worker.name}（已有联系记录保留）", errors=())
    return redirect(url_for("rep.workers"))


def _worker_choices():
    """("", "请选择") then (id, name) of my linked workers in pinyin order of the name."""
    workers = sorted(db.session.scalars(
        sa.select(Worker).join(WorkerLink, WorkerLink.worker_id == Worker.id)
        .where(WorkerLink.representative_id == current_user.id)),
        key=lambda w: (name_sort_key(w.name), w.id))
    return [("", "请选择")] + [(str(w.id), w.name) for w in workers]


@bp.route("/contacts/new", methods=["GET", "POST"])
@roles_required(REP)
def contact_new():
    """Record a contact (visit, phone, online, meeting) with one of my workers."""
    form = ContactForm()
    form.worker_id.choices = _worker_choices()
    if request.method == "GET":
        form.worker_id.data = request.args.get("worker_id", "")
        form.date.data = clock.today()
    if request.method == "POST":
        data = _data(form)
        if form.date.raw_data and form.date.data is None:
            data["date"] = form.date.raw_data[0]  # the service names the bad format
        form.date.errors = []  # the service's message for the date replaces the parser's
        outcome = commit_operation(lambda: contact_service.create_contact(current_user, data),
                                   form=form, success="联系记录已保存", errors=(ValidationFailed,))
        if outcome:
            return redirect(url_for("rep.worker_detail", worker_id=outcome.value.worker_id))
        return render_template("rep/contact_form.html", form=form), 422
    return render_template("rep/contact_form.html", form=form)


@bp.route("/contacts/<int:contact_id>/delete", methods=["POST"])
@roles_required(REP)
def contact_delete(contact_id):
    record = get_scoped(ContactRecord, contact_id, current_user)
    worker_id = record.worker_id
    commit_operation(lambda: contact_service.delete_contact(current_user, record),
                     success="联系记录已删除", errors=(Conflict,))
    return redirect(url_for("rep.worker_detail", worker_id=worker_id)
                    if db.session.get(WorkerLink, (current_user.id, worker_id))
                    else url_for("rep.workers"))


@bp.route("/appeals", methods=["GET", "POST"])
@roles_required(REP)
def appeals():
    """My appeals with their status and response, and the form to file a new one."""
    form = AppealForm()
    form.worker_id.choices = [("", "匿名（不关联科技工作者）")] + _worker_choices()[1:]
    status = 200
    if form.validate_on_submit():
        data = _data(form)
        if not data.get("worker_id"):
            data.pop("worker_id", None)
        if commit_operation(lambda: appeal_service.create_appeal(current_user, data), form=form,
                            success="诉求建议已提交，代表之家管理员将尽快处理",
                            errors=(ValidationFailed,)):
            return redirect(url_for("rep.appeals"))
        status = 422
    items = db.session.scalars(
        scoped(Appeal, current_user).options(sa.orm.joinedload(Appeal.worker))
        .order_by(Appeal.created_at.desc(), Appeal.id.desc())).all()
    return render_template("rep/appeals.html", form=form, items=items), status


