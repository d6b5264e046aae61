"""活动: every activity of the manager's Home (the admin: of the province, or of one Home), with
the filters status, theme, year, Home (admin) and a keyword; newest first, 50 a page."""

import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from blueprints import activity_filters
from blueprints.decorators import roles_required
from blueprints.manage import bp
from extensions import db
from models import Activity, Home
from models.enums import Role
from services.scope import scoped

PER_PAGE = 50


@bp.route("/activities")
@roles_required(Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN)
def activities():
    """The scoped activity list with filters; unknown filter values are ignored."""
    stmt = scoped(Activity, current_user).options(
        sa.orm.joinedload(Activity.organizer), sa.orm.joinedload(Activity.home))
    stmt, filters = activity_filters.apply(stmt)
    home_id = request.args.get("home_id", "")
    if current_user.is_admin and home_id.isdigit() and len(home_id) <= 9:
        stmt = stmt.where(Activity.home_id == int(home_id))
    page = db.paginate(stmt.order_by(Activity.date.desc(), Activity.id.desc()),
                       per_page=PER_PAGE, error_out=False)
    homes = (db.session.execute(sa.select(Home.id, Home.name).order_by(Home.name)).all()
             if current_user.is_admin else [])
    return render_template("manage/activity_list.html", page=page, home_id=home_id, homes=homes,
                           **filters)
