"""Public activity reports (报道): verified AND published activities, newest first, no login.

Text only: attachments are not shown here (no route serves them to anonymous visitors), so no
file of any activity — published or not — is exposed by this page."""
import sqlalchemy as sa
from flask import render_template, request

from blueprints.public import bp
from extensions import db
from models import Activity, Home
from models.enums import ActivityStatus, Theme

PER_PAGE = 10


def published_reports():
    """SELECT of the activities the public may read: verified and published, newest first."""
    return (sa.select(Activity)
            .options(sa.orm.joinedload(Activity.home).load_only(Home.id, Home.name))
            .where(Activity.status == ActivityStatus.VERIFIED, Activity.published.is_(True))
            .order_by(Activity.date.desc(), Activity.id.desc()))


@bp.route("/reports")
def reports():
    """Published activity reports, paginated, optionally by theme."""
    stmt = published_reports()
    theme = request.args.get("theme", "")
    if theme in Theme.values():
        stmt = stmt.where(Activity.theme == theme)
    else:
        theme = ""
    page = db.paginate(stmt, per_page=PER_PAGE, error_out=False)
    return render_template("public/reports.html", page=page, theme=theme)
