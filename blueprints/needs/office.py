"""The signed-in side of 需求对接 (SPEC §5.11): the queue (office: all; manager: dispatched to the
Home; representative: assigned to them) with filters and keyset pages, a need's page with what the
caller may do — the office dispatches (with the city's suggested representatives) or declines,
and closes an unrated need 30 days after fulfilment; the Home's manager assigns 1–5
representatives with the suggestions' matched words, or returns the need with a reason — and the
figures per Home and province as an Excel file.

Every write goes through `commit_operation`; the services check roles before input (403) and
status (409)."""
from io import BytesIO

import sqlalchemy as sa
from flask import redirect, render_template, request, send_file, url_for
from flask_login import current_user

from blueprints import xlsx
from blueprints.decorators import roles_required
from blueprints.needs import bp
from blueprints.web import commit_operation, keyset_pager
from blueprints.web.exports import log_export
from extensions import db
from models import Home, Need, Unit, User
from models.enums import JIANGSU_CITIES, HomeStatus, NeedKind, NeedStatus, Role
from services import clock, needs
from services.errors import Conflict, ValidationFailed
from services.scope import city_home_ids, require_role

READERS = (Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN, Role.HOME_MANAGER, Role.REPRESENTATIVE)
PER_PAGE = 50


@bp.route("/")
@roles_required(*READERS)
def index():
    """The queue with filters (kind, status, city, keyword) and keyset pages (?after= / ?before=)."""
    try:
        filters, error = needs.parse_filters(request.args), None
    except ValidationFailed as refused:
        filters, error = {}, "；".join(m for ms in refused.fields.values() for m in ms)
    page = keyset_pager(needs.with_page_loads(needs.list_needs(current_user, filters)), PER_PAGE)
    return render_template("needs/index.html", rows=page.items, page=page, filters=filters,
                           error=error,
                           kinds=NeedKind.choices(), statuses=NeedStatus.choices(),
                           cities=_filter_cities(),
                           office=current_user.role == Role.PROVINCIAL_ADMIN), \
        400 if error else 200


def _filter_cities() -> list[str]:
    """The 设区市 the filter offers: all 13 to the office (it reads every need); to anyone else the
    cities of the needs it can see (a city admin: usually its own city only), in the fixed order of
    JIANGSU_CITIES. The page hides the filter when fewer than two are left."""
    if current_user.role == Role.PROVINCIAL_ADMIN:
        return list(JIANGSU_CITIES)
    seen = set(db.session.scalars(sa.select(Need.city).where(needs.need_clause(current_user))
                                  .distinct()))
    return [city for city in JIANGSU_CITIES if city in seen]


def _page(need, status=200, errors=None):
    user = current_user
    office = user.role == Role.PROVINCIAL_ADMIN
    manager = needs.is_manager_of(user, need)
    suggestions, homes, reps = [], [], []
    if office and need.status == NeedStatus.RECEIVED:
        homes = db.session.execute(
            sa.select(Home.id, Home.name, Unit.city).join(Unit, Unit.id == Home.unit_id)
            .where(Home.status == HomeStatus.ACTIVE)
            .order_by((Unit.city == need.city).desc(), Home.name)).all()
    if (office and need.status in (NeedStatus.RECEIVED, NeedStatus.DISPATCHED)) or (
            manager and need.status in (NeedStatus.DISPATCHED, NeedStatus.ASSIGNED)):
        suggestions = needs.suggest(user, need)
    if manager and need.status in (NeedStatus.DISPATCHED, NeedStatus.ASSIGNED):
        reps = db.session.scalars(needs.active_representatives(need.home_id)
                                  .order_by(User.name_key, User.id)).all()
    home_names = {}
    if suggestions:
        ids = {s.home_id for s in suggestions}
        home_names = dict(db.session.execute(sa.select(Home.id, Home.name).where(Home.id.in_(ids))).all())
    return render_template(
        "needs/detail.html", need=need, office=office, manager=manager,
        mobile=needs.shown_mobile(user, need), suggestions=suggestions, homes=homes, reps=reps,
        home_names=home_names, chosen={u.id for u in need.representatives},
        activities=needs.linked_activities(need.id, verified_only=False),
        can_close=office and need.status == NeedStatus.FULFILLED,
        errors=errors or {}, S=NeedStatus, assign_max=needs.ASSIGN_MAX), status


@bp.route("/<int:need_id>")
@roles_required(*READERS)
def detail(need_id):
    """One need with the actions the caller may take."""
    return _page(needs.get_need(current_user, need_id))


def _act(need_id, roles, operation, data, success):
    require_role(current_user, *roles)
    need = needs.get_need(current_user, need_id)
    done = commit_operation(lambda: operation(current_user, need, data), success=success,
                            failure=None)
    if done:
        return redirect(url_for("needs.detail", need_id=need_id))
    need = needs.get_need(current_user, need_id)
    status = 409 if isinstance(done.error, Conflict) else 422
    return _page(need, status, done.error.fields or {"form": [done.error.message]})


@bp.route("/<int:need_id>/dispatch", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def dispatch(need_id):
    return _act(need_id, (Role.PROVINCIAL_ADMIN,), needs.dispatch_need,
                {"home_id": request.form.get("home_id", "")}, "已派单")


@bp.route("/<int:need_id>/decline", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def decline(need_id):
    return _act(need_id, (Role.PROVINCIAL_ADMIN,), needs.decline_need,
                {"reason": request.form.get("reason", "")}, "已不予受理")


@bp.route("/<int:need_id>/close", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def close(need_id):
    return _act(need_id, (Role.PROVINCIAL_ADMIN,), lambda u, n, _d: needs.close_unrated(u, n),
                None, "需求已关闭")


@bp.route("/<int:need_id>/return", methods=["POST"])
@roles_required(Role.HOME_MANAGER)
def return_(need_id):
    return _act(need_id, (Role.HOME_MANAGER,), needs.return_need,
                {"reason": request.form.get("reason", "")}, "已退回省科协")


@bp.route("/<int:need_id>/assign", methods=["POST"])
@roles_required(Role.HOME_MANAGER)
def assign(need_id):
    return _act(need_id, (Role.HOME_MANAGER,), needs.assign_need,
                {"representative_ids": request.form.getlist("representative_ids")}, "已安排接单代表")


EXPORT_HEADER = ["范围", "收到需求", "已派单", "已完成", "完成率", "受理至接单用时中位数", "平均评分"]


def _row(name, f):
    return (name, f["received"], f["dispatched"], f["fulfilled"], f["fulfilment_rate"],
            f["median_days_to_assign"], f["average_rating"])


@bp.route("/export.xlsx")
@roles_required(Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN, Role.HOME_MANAGER)
def export():
    """The figures of a year (?year=, default this year) per Home and for the province (office),
    per Home of its city and for the city (a city admin), or of the manager's own Home."""
    year = request.args.get("year", type=int) or clock.today().year
    if not 2000 <= year <= clock.today().year + 1:
        year = clock.today().year
    if current_user.role == Role.PROVINCIAL_ADMIN:
        figures = needs.by_home(year)
        homes = db.session.execute(sa.select(Home.id, Home.name).order_by(Home.name)).all()
        rows = [_row("全省", figures[None])]
        rows += [_row(name, figures.get(home_id, needs.EMPTY)) for home_id, name in homes]
    elif current_user.role == Role.CITY_ADMIN:
        city_homes = city_home_ids(current_user.city)
        figures = needs.by_home(year, city_homes)
        homes = db.session.execute(sa.select(Home.id, Home.name).where(Home.id.in_(city_homes))
                                   .order_by(Home.name)).all()
        rows = [_row(current_user.city, figures[None])]
        rows += [_row(name, figures.get(home_id, needs.EMPTY)) for home_id, name in homes]
    else:
        home_id = current_user.scope_home_id
        home = db.session.get(Home, home_id) if home_id else None
        rows = [_row(home.name, needs.need_figures(year, home_id=home_id))] if home else []
    wb = xlsx.book()
    xlsx.write_table(wb, f"{year}年需求对接", EXPORT_HEADER, rows, {4: "percent", 5: "days"})
    data = xlsx.save(wb).getvalue()
    log_export("needs.xlsx", len(rows), object_type="needs")
    return send_file(BytesIO(data), as_attachment=True, download_name=f"{year}年需求对接.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
