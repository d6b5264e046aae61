"""First login with an activation code: the account sets its own password before anything else."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo

from blueprints.account import bp
from blueprints.web import commit_operation
from services import accounts

#: What an account that must set its password may still open.
_OPEN = {"account.first_password", "auth.logout", "static", "bootstrap.static", "main.healthz"}


class FirstPasswordForm(FlaskForm):
    new_password = PasswordField("新密码（至少12个字符）", validators=[DataRequired("请填写新密码")])
    confirm = PasswordField("确认新密码", validators=[
        DataRequired("请再次填写新密码"), EqualTo("new_password", "两次填写的新密码不一致")])
    submit = SubmitField("设置密码")


@bp.before_app_request
def must_set_password_first():
    """Pages of an account signed in with its activation code lead to the first-password page."""
    if request.path.startswith("/api/") or request.endpoint in _OPEN or request.endpoint is None:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("account.first_password"))
    return None


@bp.route("/first-password", methods=["GET", "POST"])
@login_required
def first_password():
    """Set one's own password after signing in with an activation code."""
    if not current_user.must_change_password:
        return redirect(url_for("main.index"))
    form = FirstPasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()

        def set_password():
            accounts.set_first_password(user, form.new_password.data)
            accounts.end_sessions(user, keep_session=accounts.current_key(user))

        if commit_operation(set_password, form=form,
                            success="密码已设置，请牢记。以后请使用新密码登录。"):
            return redirect(url_for("main.index"))
    return render_template("account/first_password.html", form=form)
