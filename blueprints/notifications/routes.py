"""The notification centre: my notifications (unread first), mark one read and follow it, mark all read."""
import sqlalchemy as sa
from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from blueprints.notifications import bp
from blueprints.web import commit_operation, keyset_pager
from extensions import db
from models import Notification
from services import notifications as service

PER_PAGE = 20


def _own(notification_id: int) -> Notification:
    """One of the signed-in user's notifications; anyone else's is 404 (admins included)."""
    note = db.session.scalar(sa.select(Notification).where(
        Notification.id == notification_id, Notification.user_id == current_user.id))
    if note is None:
        abort(404)
    return note


def _safe_link(link: str) -> str | None:
    """Only paths on this site are followed (no open redirect)."""
    if link and link.startswith("/") and not link.startswith("//") and "\\" not in link:
        return link
    return None


@bp.route("/")
@login_required
def index():
    """My notifications: unread first, then newest; `?show=unread` keeps only the unread."""
    show = request.args.get("show", "")
    stmt = sa.select(Notification).where(Notification.user_id == current_user.id)
    if show == "unread":
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(sa.case((Notification.read_at.is_(None), 0), else_=1),
                         Notification.created_at.desc(), Notification.id.desc())
    page = keyset_pager(stmt, PER_PAGE)
    return render_template("notifications/index.html", page=page, show=show,
                           unread=service.unread_count(current_user.id))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id):
    """Mark one notification read, then follow its link (or come back to the list)."""
    note = _own(notification_id)
    service.mark_read(current_user, [note.id])
    db.session.commit()
    target = _safe_link(note.link) if request.form.get("follow", "1") == "1" else None
    return redirect(target or url_for("notifications.index", show=request.args.get("show", "")))


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    """Mark every notification of mine read."""
    commit_operation(lambda: service.mark_read(current_user),
                     success=lambda changed: f"已将 {changed} 条通知标为已读" if changed
                     else "没有未读通知", errors=())
    return redirect(url_for("notifications.index"))
