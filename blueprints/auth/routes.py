"""Login (password, then the second factor when the account has one) and logout (SPEC §5.13).

The password step keeps the account waiting for its code in the signed session cookie for at most
five minutes; the code step finishes the login. Every refusal is committed (a counted failure).
The per-address limit counts failed attempts only, so a training room behind one NAT can log in;
the per-account lockout replaces a per-username limit.
"""
import time
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.auth import bp
from blueprints.auth.forms import LoginForm, OtpForm
from blueprints.auth.limits import CEILING, login_limit
from extensions import db, limiter
from models import User
from models.enums import Role
from services import accounts
from services.errors import AccountLocked, LoginFailed

PENDING = "pending_login"
PENDING_SECONDS = 300


def _failed(response) -> bool:
    """A login POST failed when it did not redirect (the page is shown again with the reason);
    a 503 (the limit store itself is unreachable) counts nothing."""
    return response.status_code not in (302, 503)


def _address() -> str:
    return request.remote_addr or ""


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _start(user: User, remember: bool, how: str):
    """Finish the login: the failure notice, the browser login row, the redirect."""
    remember = bool(remember) and user.role == Role.REPRESENTATIVE  # never for administrators
    notice = accounts.finish_login(user, _address(), how=how)
    accounts.start_session(user, remember=remember)
    login_user(user, remember=remember)
    db.session.commit()
    session.pop(PENDING, None)
    flash(f"欢迎，{user.name}", "success")
    if notice is not None:
        flash(accounts.notice_text(notice), "warning")
    return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(CEILING, methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=_failed)
def login():
    """The login page: username and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.check_credentials(form.username.data, form.password.data, _address())
        except AccountLocked as error:
            db.session.commit()
            flash(error.message, "danger")
        except LoginFailed:
            db.session.commit()  # the failure stays counted
            flash("用户名或密码错误，或账号已停用", "danger")
        else:
            if accounts.asks_code(user):
                db.session.commit()
                session[PENDING] = {"id": user.id, "at": int(time.time()),
                                    "remember": bool(form.remember.data)}
                return redirect(url_for("auth.login_code", next=request.args.get("next")))
            return _start(user, form.remember.data, "password")
    return render_template("auth/login.html", form=form,
                           second_factor=accounts.second_factor_required())


def _pending_user() -> tuple[User | None, dict]:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user = db.session.get(User, pending.get("id"))
    return (user if user is not None and user.active else None), pending


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(CEILING, methods=["POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=_failed)
def login_code():
    """The second step: the authenticator's 6-digit code, or one recovery code."""
    user, pending = _pending_user()
    if user is None:
        session.pop(PENDING, None)
        flash("请重新输入用户名和密码", "info")
        return redirect(url_for("auth.login", next=request.args.get("next")))
    form = OtpForm()
    if form.validate_on_submit():
        try:
            accounts.verify_code(user, form.otp.data, _address())
        except AccountLocked as error:
            db.session.commit()
            session.pop(PENDING, None)
            flash(error.message, "danger")
            return redirect(url_for("auth.login"))
        except LoginFailed as error:
            db.session.commit()
            form.otp.errors = list(form.otp.errors) + error.fields.get("otp", [])
        else:
            return _start(user, pending.get("remember"), "password+otp")
    return render_template("auth/login_code.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST with CSRF, so no link can log anyone out)."""
    accounts.end_session(current_user)
    db.session.commit()
    logout_user()
    session.pop("account_slip", None)  # a new account's activation code (manage.account_slip)
    flash("您已安全退出", "info")
    return redirect(url_for("auth.login"))
