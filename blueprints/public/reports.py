"""Public activity reports (报道): verified AND published activities, newest first, no login.

Photos show as thumbnails only, and only those of a verified and published activity (the same
rule as the report itself); no other file of any activity is served to anonymous visitors."""
import sqlalchemy as sa
from flask import abort, render_template, request

from blueprints.public import bp
from blueprints.web import keyset_pager
from extensions import db
from models import Activity, Attachment, Home
from models.enums import ActivityStatus, Theme

PER_PAGE = 10


def published_reports():
    """SELECT of the activities the public may read: verified and published, newest first."""
    return (sa.select(Activity)
            .options(sa.orm.joinedload(Activity.home).load_only(Home.id, Home.name),
                     sa.orm.selectinload(Activity.attachments))
            .where(Activity.status == ActivityStatus.VERIFIED, Activity.published.is_(True))
            .order_by(Activity.date.desc(), Activity.id.desc()))


@bp.route("/reports")
def reports():
    """Published activity reports, newest first, keyset-paged, optionally by theme."""
    stmt = published_reports()
    theme = request.args.get("theme", "")
    if theme in Theme.values():
        stmt = stmt.where(Activity.theme == theme)
    else:
        theme = ""
    page = keyset_pager(stmt, PER_PAGE)
    return render_template("public/reports.html", page=page, theme=theme)


@bp.route("/reports/photos/<int:attachment_id>/thumb")
def report_thumb(attachment_id):
    """The thumbnail of a photo of a published report; 404 for anything else."""
    from blueprints.thumbs import thumb_response
    item = db.session.scalar(
        sa.select(Attachment).join(Attachment.activity)
        .where(Attachment.id == attachment_id, Activity.status == ActivityStatus.VERIFIED,
               Activity.published.is_(True)))
    if item is None:
        abort(404)
    return thumb_response(item, private=False)
