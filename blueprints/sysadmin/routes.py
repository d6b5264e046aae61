"""Administrator accounts: list, create, change the role of, reset (an activation code shown once),
deactivate."""
import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired

from blueprints.decorators import roles_required
from blueprints.sysadmin import bp
from blueprints.web import commit_operation, keyset_pager
from models import User
from models.enums import ADMINISTRATOR_ACCOUNT_ROLES, JIANGSU_CITIES, Role
from services import accounts
from services.scope import get_scoped

SYSTEM = Role.SYSTEM_ADMIN
PER_PAGE = 50
#: (value, label) of every administrator role, in the enum's order.
ADMINISTRATOR_CHOICES = [(r.value, r.label) for r in Role if r in ADMINISTRATOR_ACCOUNT_ROLES]


class AdministratorForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名")])
    name = StringField("姓名", validators=[DataRequired("请填写姓名")])
    role = SelectField("角色", choices=ADMINISTRATOR_CHOICES)
    city = SelectField("设区市（设区市科协必选）",
                       choices=[("", "（不适用）")] + [(c, c) for c in JIANGSU_CITIES])
    password = PasswordField("初始密码", validators=[DataRequired("请填写初始密码")])
    mobile = StringField("手机号")
    email = StringField("电子邮箱")


@bp.route("/users")
@roles_required(SYSTEM)
def users():
    """Every administrator account (the office and the three separated administrators)."""
    page = keyset_pager(sa.select(User).where(User.role.in_(sorted(ADMINISTRATOR_ACCOUNT_ROLES)))
                        .order_by(User.role, User.id), PER_PAGE)
    return render_template("sysadmin/users.html", page=page, roles=ADMINISTRATOR_CHOICES,
                           cities=JIANGSU_CITIES)


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(SYSTEM)
def user_new():
    """Create an administrator account."""
    form = AdministratorForm()
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k != "csrf_token"}
        outcome = commit_operation(lambda: accounts.create_user(current_user, data), form=form,
                                   success=lambda u: f"已创建管理员账号 {u.username}")
        if outcome.ok:
            return redirect(url_for("sysadmin.users"))
    return render_template("sysadmin/user_form.html", form=form)


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@roles_required(SYSTEM)
def user_reset(user_id):
    """Replace an administrator's password by an activation code, shown once."""
    user = get_scoped(User, user_id, current_user)
    outcome = commit_operation(lambda: accounts.reset_with_code(current_user, user),
                               failure="未能重置：")
    if outcome.ok:
        flash(f"账号 {user.username} 的激活码（仅显示一次）：{outcome.value}", "warning")
    return redirect(url_for("sysadmin.users"))


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(SYSTEM)
def user_active(user_id):
    """Deactivate or reactivate an administrator account."""
    user = get_scoped(User, user_id, current_user)
    active = request.form.get("active") == "1"
    commit_operation(lambda: accounts.set_active(current_user, user, active), failure="未能保存：",
                     success=f"账号 {user.username} 已{'启用' if active else '停用'}")
    return redirect(url_for("sysadmin.users"))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@roles_required(SYSTEM)
def user_role(user_id):
    """Change the role of another administrator account (audited as role_changed)."""
    user = get_scoped(User, user_id, current_user)
    role = request.form.get("role", "")
    city = request.form.get("city") or None
    label = Role(role).label if role in Role.values() else role
    commit_operation(lambda: accounts.change_role(current_user, user, role, city=city),
                     failure="未能更改角色：",
                     success=f"账号 {user.username} 的角色已改为{label}，其会话已结束")
    return redirect(url_for("sysadmin.users"))
