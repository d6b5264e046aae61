"""My account: profile and password change."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from blueprints.account import bp
from blueprints.account.forms import PasswordForm
from blueprints.web import form_errors
from extensions import db
from services import accounts
from services.errors import AccountLocked, ValidationFailed


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile():
    """Who I am, and a form to change my password."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data,
                                     form.new_password.data,
                                     keep_session=accounts.current_key(current_user),
                                     address=request.remote_addr or "")
        except (ValidationFailed, AccountLocked) as error:
            if error.keep_changes:  # a wrong current password stays counted (SPEC §5.13)
                db.session.commit()
            else:
                db.session.rollback()
            form_errors(form, error)
        else:
            db.session.commit()
            flash("密码已修改", "success")
            return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form)
