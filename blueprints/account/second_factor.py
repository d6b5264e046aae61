"""The second-factor pages of one's own account (SPEC §5.13): enrol (QR code, then a code), the
printable recovery codes, and the rule that an administrator enrols before any other work."""
import segno
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from blueprints.account import bp
from blueprints.web import commit_operation
from services import accounts
from services.errors import AccountLocked, LoginFailed, ValidationFailed

#: What an administrator without a second factor may still open: the enrolment pages, 我的账号
#: (its password form) and the first-password page.
_OPEN = {"account.otp", "account.otp_confirm", "account.profile", "account.first_password",
         "auth.logout", "static", "bootstrap.static", "main.healthz"}

#: Authenticator apps that work in China without Google services.
APPS = ("腾讯身份验证器", "Microsoft Authenticator", "FreeOTP")


class BeginForm(FlaskForm):
    otp = StringField("当前动态验证码（重新绑定时填写）", validators=[Length(max=20)])
    submit = SubmitField("生成新的密钥和二维码")


class ConfirmForm(FlaskForm):
    otp = StringField("身份验证器显示的6位动态验证码",
                      validators=[DataRequired("请填写动态验证码"), Length(max=20)])
    submit = SubmitField("完成绑定")


@bp.before_app_request
def must_enrol_first():
    """Pages of an administrator who has not enrolled a second factor lead to the enrolment page."""
    if request.path.startswith("/api/") or request.endpoint in _OPEN or request.endpoint is None:
        return None
    if current_user.is_authenticated and accounts.must_enrol(current_user):
        return redirect(url_for("account.otp"))
    return None


def _qr(uri: str) -> Markup:
    # segno writes only paths: no user text reaches this SVG (the URI is encoded, not printed).
    return Markup(segno.make(uri, error="m").svg_inline(scale=5, title="二维码"))  # noqa: S704


def _enrol_page(form, secret: str | None):
    uri = None
    if secret:
        import pyotp
        uri = pyotp.TOTP(secret).provisioning_uri(name=current_user.username,
                                                   issuer_name="科协代表之家")
    return render_template("account/otp.html", begin=BeginForm(), form=form, secret=secret,
                           qr=_qr(uri) if uri else None, apps=APPS,
                           must=accounts.must_enrol(current_user),
                           remaining=accounts.remaining_recovery_codes(current_user)
                           if current_user.has_second_factor else None)


@bp.route("/otp", methods=["GET", "POST"])
@login_required
def otp():
    """GET: the factor's state; POST: a new secret and its QR code (again: a current code first)."""
    user = current_user._get_current_object()
    begin = BeginForm()
    if request.method == "POST" and begin.validate_on_submit():
        outcome = commit_operation(
            lambda: accounts.begin_enrolment(user, begin.otp.data, request.remote_addr or ""),
            failure="不能重新绑定：", errors=(LoginFailed, AccountLocked, ValidationFailed))
        if outcome:
            return _enrol_page(ConfirmForm(formdata=None), outcome.value["secret"])
    return _enrol_page(ConfirmForm(formdata=None), None)


@bp.route("/otp/confirm", methods=["POST"])
@login_required
def otp_confirm():
    """Confirm the pending secret with a code; show the 10 recovery codes once (printable)."""
    user = current_user._get_current_object()
    form = ConfirmForm()
    if not user.otp_pending_secret:
        flash("请先生成新的密钥和二维码", "warning")
        return redirect(url_for("account.otp"))
    if form.validate_on_submit():
        outcome = commit_operation(lambda: accounts.confirm_enrolment(user, form.otp.data),
                                   form=form, success="双因素认证已绑定")
        if outcome:
            return render_template("account/otp_codes.html", codes=outcome.value)
    return _enrol_page(form, user.otp_pending_secret), 422
