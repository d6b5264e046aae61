"""Managing someone else's account: edit, reset the password (a new activation code), move a
representative to another Home. The admin manages every account; a manager their Home's
representatives (services.accounts enforces it: 403; outside the scope: 404)."""
import sqlalchemy as sa
from flask import make_response, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.account import bp
from blueprints.decorators import roles_required
from blueprints.web import commit_operation
from extensions import db
from models import Home, User
from models.enums import Level, Role
from services import accounts
from services.errors import Conflict, ValidationFailed
from services.scope import get_scoped

MANAGERS = (Role.PROVINCIAL_ADMIN, Role.HOME_MANAGER)


class PersonForm(FlaskForm):
    name = StringField("姓名", validators=[DataRequired("请填写姓名"), Length(max=50)])
    mobile = StringField("手机号", validators=[Optional(), Length(max=40)])
    email = EmailField("电子信箱", validators=[Optional(), Length(max=120)])
    level = SelectField("代表层级", choices=Level.choices(), validators=[Optional()])
    work_unit = StringField("工作单位", validators=[Optional(), Length(max=100)])
    submit = SubmitField("保存")


class MoveForm(FlaskForm):
    home_id = SelectField("调整到代表之家", coerce=str)
    submit = SubmitField("调整所属代表之家")


def _person(user_id) -> User:
    user = get_scoped(User, user_id, current_user)
    accounts.require_manageable(current_user, user)
    return user


def _back(user) -> str:
    if current_user.role == Role.PROVINCIAL_ADMIN:
        return url_for("admin.users")
    return url_for("manage.accounts")


def _move_form(user):
    if current_user.role != Role.PROVINCIAL_ADMIN or user.role != Role.REPRESENTATIVE:
        return None
    form = MoveForm(prefix="move")
    form.home_id.choices = [(str(i), name) for i, name in db.session.execute(
        sa.select(Home.id, Home.name).order_by(Home.name))]
    if not form.is_submitted():
        form.home_id.data = str(user.home_id)
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def person(user_id):
    """Edit name, mobile, e-mail, level and work unit; reset and move from the same page."""
    user = _person(user_id)
    form = PersonForm(obj=user)
    if user.role != Role.REPRESENTATIVE:
        del form.level
    elif not form.is_submitted():
        form.level.data = user.level.value if user.level else None
    if form.validate_on_submit():
        data = {k: getattr(form, k).data or "" for k in accounts.EDITABLE if k in form}
        if commit_operation(lambda: accounts.update_account(current_user, user, data), form=form,
                            success="已保存", errors=(ValidationFailed,)):
            return redirect(url_for("account.person", user_id=user.id))
    return render_template("account/person.html", person=user, form=form,
                           move_form=_move_form(user), back=_back(user))


@bp.route("/users/<int:user_id>/move", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def person_move(user_id):
    """Move a representative to another Home (activities stay; workers and contacts follow)."""
    user = _person(user_id)
    form = _move_form(user)
    if form is None:
        raise Conflict("只有代表可以调整所属代表之家")
    commit_operation(lambda: accounts.move_representative(current_user, user, form.home_id.data),
                     success="已调整所属代表之家")
    return redirect(url_for("account.person", user_id=user.id))


@bp.route("/users/<int:user_id>/reset", methods=["POST"])
@roles_required(*MANAGERS)
def person_reset(user_id):
    """A new activation code replaces the password (shown once); their sessions and tokens end."""
    user = _person(user_id)
    code = accounts.reset_with_code(current_user, user)
    db.session.commit()
    response = make_response(render_template("account/reset_code.html", person=user, code=code,
                                              back=_back(user)))
    response.headers["Cache-Control"] = "no-store"
    return response
