"""我的活动: the activities a representative organised or co-organised, newest first, with the
filters status, theme, year and a keyword."""
import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from blueprints.activities import bp
from blueprints.activities.filtering import page_filters
from blueprints.decorators import roles_required
from blueprints.web import keyset_pager
from models import Activity
from models.enums import Role
from services.scope import scoped

PER_PAGE = 20


@bp.route("/me/activities")
@roles_required(Role.REPRESENTATIVE)
def mine():
    """My activities (organised or co-organised); a bad filter value is ignored with a notice."""
    stmt = scoped(Activity, current_user).options(
        sa.orm.joinedload(Activity.organizer), sa.orm.selectinload(Activity.workers))
    stmt, filters = page_filters(stmt, ("status", "theme", "year", "q"))
    page = keyset_pager(stmt.order_by(Activity.date.desc(), Activity.id.desc()), PER_PAGE)
    return render_template("activities/list.html", page=page, mine=True, homes=[], **filters)
