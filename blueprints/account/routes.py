"""My account: profile and password change."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from blueprints.account import bp
from blueprints.account.forms import PasswordForm
from blueprints.web import commit_operation
from services import accounts
from services.errors import AccountLocked, ValidationFailed


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile():
    """Who I am, and a form to change my password."""
    form = PasswordForm()
    if form.validate_on_submit() and commit_operation(
            lambda: accounts.change_password(current_user, form.current_password.data,
                                             form.new_password.data,
                                             keep_session=accounts.current_key(current_user),
                                             address=request.remote_addr or ""),
            form=form, success="密码已修改", errors=(ValidationFailed, AccountLocked)):
        return redirect(url_for("account.profile"))
    refused = request.method == "POST" and (form.errors or form.form_errors)
    return render_template("account/profile.html", form=form), 422 if refused else 200
