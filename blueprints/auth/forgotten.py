"""忘记密码: with MAIL_SERVER, a signed, expiring, single-use link by e-mail; without mail, who to ask."""
import logging
from email.message import EmailMessage

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from blueprints.auth import bp
from blueprints.auth.limits import login_limit
from blueprints.web import commit_operation
from extensions import db, limiter
from services import accounts, mail
from services.urls import public_url

log = logging.getLogger("rephome.mail")


class ForgotForm(FlaskForm):
    identifier = StringField("用户名或电子信箱", validators=[DataRequired("请填写用户名或电子信箱"),
                                                      Length(max=120)])
    submit = SubmitField("发送重置链接")


class ResetForm(FlaskForm):
    new_password = PasswordField("新密码（至少12个字符）", validators=[DataRequired("请填写新密码")])
    confirm = PasswordField("确认新密码", validators=[
        DataRequired("请再次填写新密码"), EqualTo("new_password", "两次填写的新密码不一致")])
    submit = SubmitField("设置新密码")


def _send_link(user) -> None:
    """E-mail the link; a mail failure is logged, never shown (the answer is the same for all)."""
    link = public_url("auth.reset_password", token=accounts.reset_link_token(user))
    hours = current_app.config.get("RESET_LINK_HOURS", 2)
    msg = EmailMessage()
    msg["Subject"] = "【科协代表之家】重置密码"
    msg["From"] = current_app.config.get("MAIL_SENDER") or "noreply@rephome.local"
    msg["To"] = user.email
    msg.set_content(f"{user.name}，您好：\n\n请在{hours}小时内打开下面的链接设置新密码（链接只能使用一次）：\n"
                    f"{link}\n\n如果不是您本人申请，请忽略本邮件。\n\n——科协代表之家服务平台")
    try:
        mail.send_message(msg)
    except Exception as exc:  # noqa: BLE001 - the page answers the same either way
        log.warning("password reset mail to user %s failed: %s", user.id, exc)


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def forgot_password():
    """Ask for a reset link (mail configured), or read who can reset the password (no mail)."""
    form = ForgotForm()
    if mail.enabled() and form.validate_on_submit():
        user = accounts.find_for_forgotten(form.identifier.data)
        if user is not None:
            _send_link(user)
        flash("如果该账号登记了电子信箱，重置链接已发送到该邮箱，请在有效期内打开。", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form, mail_enabled=mail.enabled())


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def reset_password(token):
    """Set a new password through an e-mailed link (expired, used or forged: 404)."""
    user = accounts.user_for_reset_token(token)
    form = ResetForm()
    status = 200
    if form.validate_on_submit():
        outcome = commit_operation(lambda: accounts.reset_by_link(token, form.new_password.data),
                                   form=form, success="新密码已设置，请登录")
        if outcome:
            return redirect(url_for("auth.login"))
        status = outcome.error.status  # 409 when a concurrent use of the link won
    if request.method == "GET":
        db.session.rollback()
    return render_template("auth/reset_password.html", form=form, user=user), status
