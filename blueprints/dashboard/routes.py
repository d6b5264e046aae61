"""Dashboards: the province (provincial admin), a city (its city admin; provincial admins with
?city=), a Home (its manager; provincial and city admins with ?home_id=) and a representative's own
progress, plus the Excel export of every table. Filters live in the URL."""
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from openpyxl.styles import Font

from blueprints import xlsx
from blueprints.dashboard import bp
from blueprints.dashboard import table_rows as tables
from blueprints.dashboard.assets import plotly_url
from blueprints.decorators import roles_required
from blueprints.web.exports import log_export
from extensions import db
from models import Home
from models.enums import JIANGSU_CITIES, Role, Theme, UnitKind
from services import contacts, dashboard
from services.clock import today
from services.compliance import threshold
from services.errors import ValidationFailed
from services.scope import get_scoped, scoped_city
from services.years import FILTER_YEARS

ADMIN, MANAGER, REP = Role.PROVINCIAL_ADMIN, Role.HOME_MANAGER, Role.REPRESENTATIVE
CITY = Role.CITY_ADMIN

# 办结率 as a percentage and the median days, "—" when there is none (SPEC §5.5).
bp.add_app_template_filter(tables.percent, "rate_percent")
bp.add_app_template_filter(tables.days_text, "median_days")


def _year() -> int:
    """?year= when it is a filter year (services.years), else this year."""
    return FILTER_YEARS.parse(request.args.get("year")) or today().year


def _choice(name, allowed):
    value = request.args.get(name, "") or None
    return value if value in allowed else None


def _filters(*, territory: bool) -> dict:
    """Year and theme (and city and unit kind for the province) from the query string; unknown
    values are ignored."""
    filters = {"year": _year(), "theme": _choice("theme", Theme.values())}
    if territory:
        filters["city"] = _choice("city", JIANGSU_CITIES)
        filters["unit_kind"] = _choice("unit_kind", UnitKind.values())
    return filters


def _years():
    """The years the pickers offer (services.years: those that hold anything), with the one shown."""
    return FILTER_YEARS.offered(selected=_year())


def _home_for_request() -> Home:
    """The Home a Home dashboard shows: the manager's own (another → 404) or ?home_id= for admins."""
    home_id = request.args.get("home_id", type=int)
    if home_id is None and current_user.role == MANAGER:
        home_id = current_user.scope_home_id
    if home_id is None:
        abort(404)
    return get_scoped(Home, home_id, current_user)


def _export_urls(tbls, filters, **extra) -> dict:
    """The export link of each table, carrying the page's filters."""
    args = {k: v for k, v in filters.items() if v is not None}
    args.update(extra)
    return {key: url_for("dashboard.export", table=key, **args) for key in tbls}


def _province_scope(filters):
    return dashboard.Scope(**filters)


def _city_filters() -> dict:
    """The province filters with the city fixed by the caller's scope (services.scope.scoped_city:
    a city admin's own city, any of the 13 for a provincial admin; another → 404)."""
    filters = _filters(territory=True)
    try:
        city = scoped_city(current_user, request.args.get("city") or None)
    except ValidationFailed:  # not one of the 13: no such city page
        abort(404)
    if city is None:
        abort(404)
    filters["city"] = city
    return filters


def _home_data(home, filters):
    scope = dashboard.Scope(home_id=home.id, **filters)
    data = dashboard.home_overview(scope, include_unpublished=current_user.role == ADMIN)
    return scope, data, tables.home_tables(data, threshold())


@bp.route("/province")
@roles_required(ADMIN)
def province():
    """The province dashboard: KPIs, charts and their tables, filtered by year/city/kind/theme."""
    return _province_page(_filters(territory=True))


@bp.route("/city")
@roles_required(CITY, ADMIN)
def city():
    """A city's dashboard (SPEC §5.12): the province dashboard's figures for the city and each of
    its Homes side by side — a city admin's own city, or ?city= for a provincial admin."""
    if current_user.role == ADMIN and not request.args.get("city"):
        return redirect(url_for("dashboard.province"))
    return _province_page(_city_filters(), city_view=True)


def _province_page(filters, *, city_view=False):
    scope = _province_scope(filters)
    data = dashboard.province_overview(scope, include_unpublished=True)
    q = request.args.get("q", "").strip()[:50]
    windows = {key: tables.Window(page=request.args.get(f"{key}_page", 1, type=int),
                                  size=TABLE_PAGE, q=q)
               for key in tables.PER_HOME_TABLES}
    tbls = tables.province_tables(data, windows)
    charts = {
        "months": dashboard.to_json(dashboard.activities_by_theme_month(
            data["activities"].by_theme_month)),
        # Per-Home charts: the 20 lowest and 20 highest; every Home is in the table and export.
        "homes": dashboard.to_json(dashboard.home_theme_comparison(
            dashboard.extremes(data["by_home"], lambda r: (r["total"], r["name"])),
            title=dashboard.extremes_title("各代表之家活动对比", data["by_home"]))),
        "compliance": dashboard.to_json(dashboard.compliance_chart(
            dashboard.extremes(data["compliance"], lambda r: (r["rate"], r["name"])),
            title=dashboard.extremes_title("各代表之家联系达标率", data["compliance"]))),
        "scores": dashboard.to_json(dashboard.score_ranking(
            dashboard.extremes(data["assessments"]["ranking"], lambda r: (r["total"], r["name"])),
            title=dashboard.extremes_title(tbls["scores"].title, data["assessments"]["ranking"]))),
        "grades": dashboard.to_json(dashboard.grade_distribution(
            data["assessments"]["grades"], title=tbls["grades"].title)),
    }
    exports = _export_urls(tbls, filters)
    for key in tables.PER_HOME_TABLES:
        tbls[key].pager = _pager(tbls[key], filters, q)
    # One link prefix for every Home's row: ?year= first, the Home's id appended per row.
    home_link = url_for("dashboard.home", year=filters["year"]) + "&home_id="
    return render_template("dashboard/province.html", scope=scope, data=data, tables=tbls,
                           charts=charts, filters=filters, years=_years(),
                           cities=JIANGSU_CITIES, plotly_url=plotly_url(),
                           exports=exports, needs=dashboard.need_figures(scope),
                           home_link=home_link, q=q,
                           city_view=filters["city"] if city_view else None)


TABLE_PAGE = 50
#: Page links shown either side of the current page (the first and last are always shown).
PAGER_REACH = 2


def _pager(table, filters, q):
    """The page links of a per-Home table (?<key>_page=N, TABLE_PAGE rows a page): the first,
    the last and PAGER_REACH either side of the current one, None for a gap; [] when the
    table fits on one page. The links keep the filters, the name filter and the other
    tables' pages; the prefix is built once. The export always holds every row."""
    pages = -(-table.count // TABLE_PAGE)
    if pages <= 1:
        return []
    arg = f"{table.key}_page"
    args = {k: v for k, v in filters.items() if v is not None}
    if q:
        args["q"] = q
    args.update({k: v for k, v in request.args.items() if k.endswith("_page") and k != arg})
    prefix = url_for(request.endpoint, **args) + f"&{arg}="
    shown = sorted({1, pages, *range(max(1, table.page - PAGER_REACH),
                                     min(pages, table.page + PAGER_REACH) + 1)})
    pager, last = [], 0
    for n in shown:
        if n > last + 1:
            pager.append((None, None, False))
        pager.append((n, f"{prefix}{n}", n == table.page))
        last = n
    return pager


@bp.route("/home")
@roles_required(MANAGER, ADMIN, CITY)
def home():
    """A Home's dashboard: the manager's own Home, or ?home_id= for provincial admins and (their
    city's Homes) city admins."""
    if current_user.role in (ADMIN, CITY) and request.args.get("home_id") is None:
        return redirect(url_for("dashboard.city" if current_user.role == CITY
                                else "dashboard.province"))
    home_obj = _home_for_request()
    filters = _filters(territory=False)
    scope, data, tbls = _home_data(home_obj, filters)
    charts = {
        "months": dashboard.to_json(dashboard.activities_by_theme_month(
            data["activities"].by_theme_month)),
    }
    reminded = contacts.reminded_today(r.representative.id for r in data["below"])
    return render_template("dashboard/home.html", home=home_obj, scope=scope, data=data,
                           tables=tbls, charts=charts, filters=filters, years=_years(),
                           threshold=threshold(), plotly_url=plotly_url(), reminded=reminded,
                           is_admin=current_user.role in (ADMIN, CITY),
                           exports=_export_urls(tbls, filters, home_id=home_obj.id),
                           needs=dashboard.need_figures(scope))


@bp.route("/home/representatives/<int:user_id>/remind", methods=["POST"])
@roles_required(MANAGER, ADMIN, CITY)
def remind(user_id):
    """One click: remind a representative below the contact threshold (once a day, whoever)."""
    sent = contacts.remind_contacts(current_user, user_id)
    db.session.commit()
    flash("已提醒该代表联系科技工作者" if sent else "该代表今天已收到提醒，无需重复提醒",
          "success" if sent else "info")
    home_id = request.form.get("home_id", type=int)
    if current_user.role in (ADMIN, CITY) and home_id:
        return redirect(url_for("dashboard.home", home_id=home_id))
    return redirect(url_for("dashboard.home"))


@bp.route("/representative")
@roles_required(REP)
def representative():
    """A representative's progress: contacts toward the threshold, own activities by theme, and
    their Home's activities against the Home's yearly target."""
    filters = {"year": _year()}
    scope = dashboard.Scope(representative_id=current_user.id, home_id=current_user.home_id,
                            **filters)
    data = dashboard.representative_overview(scope)
    charts = {
        "ring": dashboard.to_json(dashboard.contact_progress_ring(data["contacted"],
                                                              data["threshold"])),
        "target": dashboard.to_json(dashboard.activities_against_target(
            data["activities"].by_theme, None, title="本年我参与的已审核活动")),
    }
    return render_template("dashboard/representative.html", data=data, charts=charts,
                           filters=filters, years=_years(),
                           own=tables.own_table(data["activities"], data["home_activities"],
                                                data["target"]),
                           plotly_url=plotly_url())


def workbook_bytes(table: tables.Table, subtitle: str):
    """One table as an .xlsx sheet named in Chinese (write-only): title, filters line, notes (a
    rate is kept out of the count columns), then header (frozen), rows and footer with number
    formats; the columns fit the notes, header and rows (the title lines may overflow)."""
    wb = xlsx.book()
    above = [xlsx.Line([xlsx.Styled(table.title, font=Font(bold=True, size=13))], fit=False),
             xlsx.Line([subtitle], fit=False)]
    above += [xlsx.Line([label, xlsx.Styled(value, number_format=fmt)
                         if fmt in xlsx.NUMBER_FORMATS and value is not None else value])
              for label, value, fmt in table.notes]
    xlsx.write_table(wb, table.sheet or table.title, table.headers, table.rows, table.formats,
                     table.footer, above=above)
    return xlsx.save(wb)


@bp.route("/export")
@roles_required(MANAGER, ADMIN, CITY)
def export():
    """?table=…&<the page's filters> → that table as Excel (only that table's figures are
    computed). Managers export their Home's tables; admins the province's (a city's with
    ?city=), or a Home's with ?home_id=; city admins their city's, or one of its Homes' with
    ?home_id=. Per-Home tables hold every Home (no paging, no name filter)."""
    key = request.args.get("table", "")
    if current_user.role == MANAGER or request.args.get("home_id") is not None:
        home_obj = _home_for_request()
        if key not in tables.HOME_TABLES:
            abort(404)
        filters = _filters(territory=False)
        parts, build = tables.HOME_TABLES[key]
        data = dashboard.home_overview(dashboard.Scope(home_id=home_obj.id, **filters),
                                       include_unpublished=current_user.role == ADMIN,
                                       parts=parts)
        table = build(data, threshold())
        where = home_obj.name
    else:
        filters = _city_filters() if current_user.role == CITY else _filters(territory=True)
        if key not in tables.PROVINCE_TABLES:
            abort(404)
        parts, build = tables.PROVINCE_TABLES[key]
        data = dashboard.province_overview(_province_scope(filters), include_unpublished=True,
                                           parts=parts)
        table = build(data, tables.EVERY_ROW)
        where = " ".join(filter(None, ["全省" if current_user.role == ADMIN else None,
                                       filters.get("city"),
                                       UnitKind(filters["unit_kind"]).label
                                       if filters.get("unit_kind") else None]))
    theme = Theme(filters["theme"]).label if filters.get("theme") else "全部主题"
    year = table.year or filters["year"]
    subtitle = f"{where} · {year}年 · {theme}"
    log_export(f"统计表 {table.title}（Excel）", len(table.rows),
               object_type="dashboard")
    return send_file(workbook_bytes(table, subtitle), as_attachment=True,
                     download_name=f"{table.title}-{where}-{year}.xlsx".replace(" ", ""),
                     mimetype=xlsx.XLSX_MIME)
