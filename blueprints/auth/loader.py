"""The browser login behind each page request: Flask-Login's user loader (registered in app.py).

A remembered login whose browser session ended (idle timeout, 12-hour limit) is restored by
services.accounts.resume_login as a new, audited login; that request commits it at once (the
loader runs first, before the view changes anything) and tells the owner about failed logins since
the last one, as the login page does.
"""
from flask import flash, request

from extensions import db
from services import accounts


def load_browser_user(alt_id: str):
    """The active user of the cookie's "<user id>:<key>", or None (see services/accounts/sessions.py).
    The JSON API authenticates with bearer tokens only: a browser's cookies open nothing there."""
    if request.path.startswith("/api/"):
        return None
    user, notice = accounts.resume_login(alt_id, request.remote_addr or "")
    if user is not None and user.login_restored is not None:
        db.session.commit()
        if notice is not None:
            flash(accounts.notice_text(notice), "warning")
    return user
