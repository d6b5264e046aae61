"""Provincial administration: accounts and units (list, create, edit, deactivate)."""
import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.admin import bp
from blueprints.admin.forms import UnitForm, UserForm
from blueprints.decorators import roles_required
from blueprints.web import commit_operation, keyset_pager
from extensions import db
from models import Home, Unit, User
from models.enums import Role
from services import accounts
from services import homes as unit_service
from services.errors import Conflict
from services.scope import get_scoped

ADMIN = Role.PROVINCIAL_ADMIN
PER_PAGE = 30


@bp.route("/users")
@roles_required(ADMIN)
def users():
    """All accounts, filtered by role, status and a search on name or username."""
    stmt = sa.select(User).options(sa.orm.joinedload(User.unit), sa.orm.joinedload(User.home))
    role = request.args.get("role", "")
    if role in Role.values():
        stmt = stmt.where(User.role == role)
    status = request.args.get("status", "")
    if status in ("active", "inactive"):
        stmt = stmt.where(User.active.is_(status == "active"))
    q = request.args.get("q", "").strip()
    if q:
        like = f"%{q}%"
        stmt = stmt.where(sa.or_(User.username.ilike(like), User.name.ilike(like)))
    page = keyset_pager(stmt.order_by(User.role, User.name_key, User.id), PER_PAGE)
    return render_template("admin/users.html", page=page, role=role, status=status, q=q)


def _user_form() -> UserForm:
    form = UserForm()
    form.unit_id.choices = [("", "—")] + [
        (str(u.id), u.name) for u in db.session.scalars(
            sa.select(Unit).where(Unit.active.is_(True)).order_by(Unit.name))]
    form.home_id.choices = [("", "—")] + [
        (str(h.id), h.name) for h in db.session.scalars(sa.select(Home).order_by(Home.name))]
    return form


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def user_new():
    """Create an account of any role."""
    form = _user_form()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("submit", "csrf_token")}
        if commit_operation(lambda: accounts.create_user(current_user, data), form=form,
                            success=lambda user: f"已创建账号 {user.username}"):
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(ADMIN)
def user_active(user_id):
    """Deactivate or reactivate an account."""
    user = get_scoped(User, user_id, current_user)
    active = request.form.get("active") == "1"
    commit_operation(lambda: accounts.set_active(current_user, user, active),
                     success=f"账号 {user.username} 已{'启用' if active else '停用'}",
                     errors=(Conflict,))
    return redirect(request.referrer if request.referrer and request.referrer.startswith(
        request.host_url) else url_for("admin.users"))


@bp.route("/units")
@roles_required(ADMIN)
def units():
    """All host units with their Home, if any."""
    stmt = sa.select(Unit).options(sa.orm.joinedload(Unit.home))
    kind = request.args.get("kind", "")
    if kind:
        stmt = stmt.where(Unit.kind == kind)
    q = request.args.get("q", "").strip()
    if q:
        stmt = stmt.where(Unit.name.ilike(f"%{q}%"))
    page = keyset_pager(stmt.order_by(Unit.kind, Unit.name, Unit.id), PER_PAGE)
    return render_template("admin/units.html", page=page, kind=kind, q=q)


@bp.route("/units/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def unit_new():
    form = UnitForm()
    if form.validate_on_submit() and commit_operation(
            lambda: unit_service.create_unit(current_user, form.data), form=form,
            success=lambda unit: f"已创建单位 {unit.name}"):
        return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def unit_edit(unit_id):
    unit = get_scoped(Unit, unit_id, current_user)
    form = UnitForm(obj=unit)
    if form.validate_on_submit() and commit_operation(
            lambda: unit_service.update_unit(current_user, unit, form.data), form=form,
            success="单位信息已保存"):
        return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=unit)


@bp.route("/units/<int:unit_id>/active", methods=["POST"])
@roles_required(ADMIN)
def unit_active(unit_id):
    unit = get_scoped(Unit, unit_id, current_user)
    active = request.form.get("active") == "1"
    commit_operation(lambda: unit_service.set_active(current_user, unit, active),
                     success=f"单位 {unit.name} 已{'启用' if active else '停用'}", errors=())
    return redirect(url_for("admin.units"))
