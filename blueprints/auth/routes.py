"""Login (rate limited per IP and per username) and logout."""
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.auth import bp
from blueprints.auth.forms import LoginForm
from extensions import db, limiter
from models.base import utcnow
from services import accounts


def _username_key():
    return "login:" + (request.form.get("username") or "").strip().lower()


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative paths are followed after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, key_func=_username_key, methods=["POST"])
def login():
    """The login page."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.username.data, form.password.data)
        if user is None:
            db.session.commit()  # the audit entry of the failed login (SPEC §5.13)
            flash("用户名或密码错误，或账号已停用", "danger")
        else:
            accounts.start_session(user)
            login_user(user, remember=form.remember.data)
            user.last_login_at = utcnow()
            db.session.commit()
            flash(f"欢迎，{user.name}", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST with CSRF, so no link can log anyone out)."""
    accounts.end_session(current_user)
    db.session.commit()
    logout_user()
    flash("您已安全退出", "info")
    return redirect(url_for("auth.login"))
