"""A Home's basic conditions (基础条件): profile, yearly plans and funding, service team.

Managers open their own Home at /home/; provincial admins open any Home by id."""
import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.decorators import roles_required
from blueprints.homes import bp
from blueprints.homes.forms import MemberForm, PlanForm, ProfileForm
from blueprints.web import commit_operation
from extensions import db
from models import Home, HomePlan
from models.enums import Role
from services import clock
from services import homes as service
from services.errors import Conflict, ValidationFailed
from services.scope import get_scoped
from services.years import PLAN_YEARS

EDITORS = (Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
#: Who reads a Home's page: its editors and, read-only, the city admins of its city (SPEC §5.12).
READERS = (*EDITORS, Role.CITY_ADMIN)


@bp.route("/")
@roles_required(*EDITORS)
def profile():
    """The manager's own Home (admins are sent to the list of Homes)."""
    if current_user.role == Role.PROVINCIAL_ADMIN:
        return redirect(url_for("provincial.homes"))
    home = db.session.scalar(sa.select(Home).where(Home.unit_id == current_user.unit_id))
    if home is None:
        return render_template("homes/no_home.html")
    return _render(home)


@bp.route("/<int:home_id>")
@roles_required(*READERS)
def detail(home_id):
    """Any Home in the caller's scope (admins: all; city admins: their city's, without forms)."""
    return _render(get_scoped(Home, home_id, current_user))


def _render(home, profile_form=None, plan_form=None, member_form=None, status=200):
    plans = db.session.scalars(sa.select(HomePlan).where(HomePlan.home_id == home.id)
                               .order_by(HomePlan.year.desc())).all()
    profile_form = profile_form or ProfileForm(obj=home, formdata=None)
    if plan_form is None:
        plan_form = PlanForm(formdata=None)
        year = PLAN_YEARS.parse(request.args.get("year")) or clock.today().year
        plan_form.year.data = year
        existing = next((p for p in plans if p.year == year), None)
        if existing is not None:
            plan_form.plan.data, plan_form.funding.data = existing.plan, str(existing.funding)
    return render_template("homes/profile.html", home=home, plans=plans,
                           team=home.service_team, profile_form=profile_form,
                           plan_form=plan_form, member_form=member_form or MemberForm(formdata=None),
                           today=clock.today()), status


def _back(home):
    if current_user.role == Role.HOME_MANAGER:
        return redirect(url_for("homes.profile"))
    return redirect(url_for("homes.detail", home_id=home.id))


@bp.route("/<int:home_id>/profile", methods=["POST"])
@roles_required(*EDITORS)
def update_profile(home_id):
    home = get_scoped(Home, home_id, current_user)
    form = ProfileForm()
    if form.validate_on_submit() and commit_operation(
            lambda: service.update_profile(current_user, home, form.data),
            form=form, success="基础条件已保存", errors=(ValidationFailed,)):
        return _back(home)
    return _render(home, profile_form=form, status=422)


@bp.route("/<int:home_id>/plans", methods=["POST"])
@roles_required(*EDITORS)
def save_plan(home_id):
    home = get_scoped(Home, home_id, current_user)
    form = PlanForm()
    if form.validate_on_submit() and commit_operation(
            lambda: service.upsert_plan(current_user, home, form.year.data,
                                        {"plan": form.plan.data, "funding": form.funding.data}),
            form=form, success=f"{form.year.data}年度工作计划与专项经费已保存",
            errors=(ValidationFailed,)):
        return _back(home)
    return _render(home, plan_form=form, status=422)


@bp.route("/<int:home_id>/team", methods=["POST"])
@roles_required(*EDITORS)
def add_member(home_id):
    home = get_scoped(Home, home_id, current_user)
    form = MemberForm()
    if form.validate_on_submit() and commit_operation(
            lambda: service.add_member(current_user, home, form.data),
            form=form, success="已添加服务团队成员", errors=(ValidationFailed,)):
        return _back(home)
    return _render(home, member_form=form, status=422)


@bp.route("/<int:home_id>/team/<int:member_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def remove_member(home_id, member_id):
    home = get_scoped(Home, home_id, current_user)
    commit_operation(lambda: service.remove_member(current_user, home, member_id),
                     success="已移除服务团队成员", errors=(Conflict,))
    return _back(home)
