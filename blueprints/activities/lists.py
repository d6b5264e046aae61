"""活动: every activity of the manager's Home (the admin: of the province, or of one Home), with
the filters status, theme, year, Home (admin) and a keyword, newest first, 50 a page (keyset:
下一页 / 上一页 by cursor, the total capped at 10,000); and a Home's
verified activities of a year as an A4 print page."""
import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from blueprints import print_views
from blueprints.activities import bp
from blueprints.activities.filtering import page_filters
from blueprints.decorators import roles_required
from blueprints.web import keyset_pager
from extensions import db
from models import Activity, Home
from models.enums import Role
from services import summaries
from services.scope import scope_clause, scoped

PER_PAGE = 50
LISTERS = (Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN)  # city: read-only


@bp.route("/manage/activities")
@roles_required(*LISTERS)
def index():
    """The scoped activity list with filters (the Home only for the admin); a bad filter value is
    ignored with a notice."""
    stmt = scoped(Activity, current_user).options(
        sa.orm.joinedload(Activity.organizer), sa.orm.joinedload(Activity.home))
    # The office and a city admin read several Homes: they filter and see by Home.
    multi_home = current_user.role in (Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN)
    accept = ("status", "theme", "year", "q") + (("home_id",) if multi_home else ())
    stmt, filters = page_filters(stmt, accept)
    page = keyset_pager(stmt.order_by(Activity.date.desc(), Activity.id.desc()), PER_PAGE,
                        total=_summary_total(filters))
    homes = (db.session.execute(sa.select(Home.id, Home.name).where(
        scope_clause(Home, current_user)).order_by(Home.name)).all() if multi_home else [])
    return render_template("activities/list.html", page=page, mine=False, homes=homes,
                           multi_home=multi_home, **filters)


def _summary_total(filters: dict) -> int | None:
    """The list's exact total from the activity summaries when they hold it — verified activities
    of one year (of a theme, of a Home), no keyword — else None (the page counts, capped)."""
    if filters.get("status") != "verified" or not filters.get("year") or filters.get("q"):
        return None
    homes = sa.select(Home.id).where(scope_clause(Home, current_user))
    if filters.get("home_id"):
        homes = homes.where(Home.id == int(filters["home_id"]))
    elif current_user.role == Role.PROVINCIAL_ADMIN:
        homes = None  # the whole province: the province's month rows
    return summaries.verified_total(int(filters["year"]), homes, filters.get("theme") or None)


@bp.route("/manage/activities/print")
def print_list():
    """A Home's verified activities of a year as an A4 print page (managers and the admin)."""
    return print_views.home_activities()
