"""The province's appeals for the provincial office, read-only: every Home's appeals with the same
filters as a Home's list (status, category, keyword, open / overdue) and ?home_id= for one Home.
Handling stays with each Home's manager (SPEC §4: the office sees everything)."""
import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from blueprints import appeal_filters
from blueprints.decorators import roles_required
from blueprints.provincial import bp
from blueprints.web import keyset_pager
from extensions import db
from models import Appeal, Home
from models.enums import Role
from services.scope import get_scoped, scope_clause, scoped

PER_PAGE = 30


@bp.route("/appeals")
@roles_required(Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN)
def appeals():
    """Every Home's appeals (a city admin: its city's; one Home's with ?home_id=, 404 when it is not
    in scope), open ones first, filtered by ?status=&category=&q=&state=open|overdue; no handling
    forms. `homes` (id, name) are the Homes in the viewer's scope for the 代表之家 filter."""
    stmt = scoped(Appeal, current_user).options(sa.orm.joinedload(Appeal.representative),
                                     sa.orm.joinedload(Appeal.worker),
                                     sa.orm.joinedload(Appeal.home))
    home_id = request.args.get("home_id", type=int)
    if home_id is not None:
        stmt = stmt.where(Appeal.home_id == get_scoped(Home, home_id, current_user).id)
    stmt, filters = appeal_filters.apply(stmt)
    page = keyset_pager(stmt, PER_PAGE)
    homes = db.session.execute(sa.select(Home.id, Home.name).where(
        scope_clause(Home, current_user)).order_by(Home.name)).all()
    return render_template("manage/appeals.html", page=page, read_only=True, home_id=home_id,
                           homes=homes, **filters)
