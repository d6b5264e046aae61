"""Applications (申报) of the manager's unit: list with status and opinion, form with a live
character count, submission, and the Word 申报书."""
import sqlalchemy as sa
from flask import Response, redirect, render_template, url_for
from flask_login import current_user

from blueprints.applications import bp
from blueprints.applications.forms import ApplicationForm
from blueprints.decorators import roles_required
from blueprints.web import commit_operation
from blueprints.web.exports import log_export
from extensions import db
from models import Application, ApplicationRound
from models.enums import ApplicationStatus, Role
from services import clock, homes
from services import homes as service
from services.scope import get_scoped, scoped

MANAGER = Role.HOME_MANAGER


@bp.route("/")
@roles_required(MANAGER)
def index():
    """My unit's applications with status and the provincial opinion."""
    rows = db.session.scalars(scoped(Application, current_user)
                              .options(sa.orm.joinedload(Application.round))
                              .order_by(Application.id.desc())).all()
    open_rounds = db.session.scalars(sa.select(ApplicationRound).where(
        ApplicationRound.deadline >= clock.today()).order_by(ApplicationRound.year)).all()
    home = service.active_home(current_user.unit_id)
    return render_template("applications/index.html", applications=rows, open_rounds=open_rounds,
                           active_home=home,
                           can_apply=bool(service.submittable_rounds(open_rounds, home)),
                           scheme_length=service.scheme_length, today=clock.today())


def _form(application=None, home=None) -> ApplicationForm:
    """The form; a new application is offered the rounds it could still be submitted in (`home`:
    the unit's active Home, whose unit may submit only once it has expired)."""
    form = ApplicationForm(obj=application)
    if application is None:  # a new application: only rounds still accepting submissions
        rounds = service.submittable_rounds(db.session.scalars(
            sa.select(ApplicationRound).where(ApplicationRound.deadline >= clock.today())
            .order_by(ApplicationRound.year.desc())).all(), home)
    else:  # an application stays in its round: no other (closed) round is offered
        rounds = [application.round]
    form.round_id.choices = [(str(r.id), f"{r.year}年度（截止{r.deadline.isoformat()}）")
                             for r in rounds]
    if application is not None:
        form.round_id.data = str(application.round_id)
        form.round_id.render_kw = {"disabled": True}
    return form


def _data(form) -> dict:
    return {"round_id": form.round_id.data, "scheme": form.scheme.data or "",
            "contact_name": form.contact_name.data or "",
            "contact_mobile": form.contact_mobile.data or "", "fax": form.fax.data or "",
            "email": form.email.data or "", "pledge": bool(form.pledge.data)}


def _save(form, application, success: str):
    """Create or edit, then submit if asked, and flash `success`; returns the application, or
    None when refused (the form then names why)."""
    def save():
        nonlocal application
        if application is None:
            application = service.create_application(current_user, _data(form))
        else:
            data = _data(form)
            data.pop("round_id")
            service.update_application(current_user, application, data)
        if form.submit_now.data:
            service.submit_application(current_user, application)
        return application

    return commit_operation(save, form=form, success=success).value


@bp.route("/new", methods=["GET", "POST"])
@roles_required(MANAGER)
def new():
    """A new application of my unit; before the form, the open rounds in which the unit already
    has an application (a second one would be refused: SPEC §5.2), each with a link to it; for a
    unit whose Home is active, that it cannot apply while the Home is valid."""
    home = service.active_home(current_user.unit_id)
    form = _form(home=home)
    existing = db.session.scalars(
        scoped(Application, current_user).join(Application.round)
        .where(ApplicationRound.deadline >= clock.today(),
               Application.status != ApplicationStatus.REJECTED)
        .options(sa.orm.contains_eager(Application.round))).all()
    if form.validate_on_submit() and _save(
            form, None, "申报书已提交" if form.submit_now.data else "申报书草稿已保存") is not None:
        return redirect(url_for("applications.index"))
    return render_template("applications/form.html", form=form, application=None,
                           existing=existing, active_home=home,
                           all_taken=not ({int(value) for value, _ in form.round_id.choices}
                                          - {a.round_id for a in existing}),
                           pledge_text=service.PLEDGE_TEXT, scheme_length=service.scheme_length)


@bp.route("/<int:application_id>/edit", methods=["GET", "POST"])
@roles_required(MANAGER)
def edit(application_id):
    """Edit a draft or returned application (others are shown read-only)."""
    application = get_scoped(Application, application_id, current_user)
    form = _form(application)
    if form.validate_on_submit() and _save(
            form, application, "申报书已提交" if form.submit_now.data else "申报书已保存") is not None:
        return redirect(url_for("applications.index"))
    return render_template("applications/form.html", form=form, application=application,
                           editable=application.status in service.EDITABLE,
                           pledge_text=service.PLEDGE_TEXT, scheme_length=service.scheme_length)


@bp.route("/<int:application_id>/submit", methods=["POST"])
@roles_required(MANAGER)
def submit(application_id):
    """Submit a draft or returned application (SPEC §5.2)."""
    application = get_scoped(Application, application_id, current_user)
    commit_operation(lambda: service.submit_application(current_user, application),
                     success="申报书已提交，请等待省科协审核", failure="不能提交：")
    return redirect(url_for("applications.index"))


@bp.route("/<int:application_id>/docx")
@roles_required(MANAGER, Role.PROVINCIAL_ADMIN)
def docx(application_id):
    """The Word 申报书 laid out like the official form, for printing and stamping."""
    application = get_scoped(Application, application_id, current_user,
                             options=(sa.orm.joinedload(Application.unit),
                                      sa.orm.joinedload(Application.round)))
    from urllib.parse import quote
    name = homes.filename(application)
    data = homes.build(application)
    log_export("申报书（Word）", 1, object_type="applications", object_id=application.id)
    return Response(data, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Content-Disposition": f"attachment; filename=\"application-{application.id}.docx\"; "
                               f"filename*=UTF-8''{quote(name)}",
    })
