"""Routes of the 履职档案 and the 台账.

Access (SPEC §4): a representative reads their own record; a manager the records of their Home's
representatives and the Home's 台账; the admin all. Another Home's representative or Home, or a user
who is not a representative, answers 404; a representative asking for a Home's documents, 403.
"""
from urllib.parse import quote

import sqlalchemy as sa
from flask import Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from blueprints import print_views
from blueprints.decorators import roles_required
from blueprints.records import bp
from blueprints.web import keyset_pager
from blueprints.web.exports import log_export
from extensions import db
from models import Home, User
from models.enums import Role
from services import clock, records
from services.scope import get_scoped, scope_clause, scoped
from services.years import FILTER_YEARS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HOME_ROLES = (Role.HOME_MANAGER, Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN)


def _year() -> int:
    """?year= when it is a filter year (services.years), else this year in Asia/Shanghai."""
    return FILTER_YEARS.parse(request.args.get("year")) or clock.today().year


def _years():
    """The years the pickers offer (services.years: those that hold anything), with the one shown."""
    return FILTER_YEARS.offered(selected=_year())


def _print_context(back_url: str) -> dict:
    """What the shared print page (templates/print/base.html) needs."""
    return {"printed_at": print_views.printed_at(), "back_url": back_url}


def _download(data: bytes, filename: str) -> Response:
    return Response(data, mimetype=DOCX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@bp.route("/")
@login_required
def mine():
    """A representative's own record; managers and the admin go to their representatives."""
    if current_user.role == Role.REPRESENTATIVE:
        return redirect(url_for("records.record", representative_id=current_user.id, **request.args))
    if current_user.role == Role.HOME_MANAGER:
        return redirect(url_for("manage.representatives"))
    if current_user.role == Role.CITY_ADMIN:
        return redirect(url_for("records.representatives"))
    return redirect(url_for("admin.users", role=Role.REPRESENTATIVE.value))


REPS_PER_PAGE = 50


@bp.route("/representatives")
@roles_required(Role.CITY_ADMIN)
def representatives():
    """A city admin's way to the 履职档案 (read-only): the representatives of its city's Homes in
    name order (keyset pages of REPS_PER_PAGE), ?home_id= for one Home of the city (404 for a
    Home outside it), ?q= a name keyword; each row links to records.record."""
    stmt = (scoped(User, current_user).where(User.role == Role.REPRESENTATIVE)
            .options(sa.orm.joinedload(User.home)))
    home_id = request.args.get("home_id", type=int)
    if home_id is not None:
        stmt = stmt.where(User.home_id == get_scoped(Home, home_id, current_user).id)
    q = (request.args.get("q") or "").strip()[:50]
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(User.name.ilike(pattern, escape="\\"))
    page = keyset_pager(stmt.order_by(User.name_key, User.id), REPS_PER_PAGE)
    homes = db.session.execute(sa.select(Home.id, Home.name).where(
        scope_clause(Home, current_user)).order_by(Home.name)).all()
    return render_template("records/representatives.html", page=page, homes=homes,
                           home_id=home_id, q=q)


@bp.route("/<int:representative_id>")
@login_required
def record(representative_id):
    """The record page of one representative and year."""
    rep = records.get_representative(representative_id, current_user)
    year = _year()
    return render_template("records/record.html", record=records.record_of(rep, year),
                           years=_years(), months=records.MONTHS)


@bp.route("/<int:representative_id>/print")
@login_required
def record_print(representative_id):
    """The record as an A4 print view, without navigation."""
    rep = records.get_representative(representative_id, current_user)
    year = _year()
    return render_template("records/record_print.html", items=[records.record_of(rep, year)],
                           months=records.MONTHS, **_print_context(
                               url_for("records.record", representative_id=rep.id, year=year)))


@bp.route("/<int:representative_id>/docx")
@login_required
def record_docx(representative_id):
    """The record as a Word document."""
    rep = records.get_representative(representative_id, current_user)
    year = _year()
    data = records.record_docx([records.record_of(rep, year)])
    log_export(f"履职档案 {year}（Word）", 1, object_type="users", object_id=rep.id)
    return _download(data, f"履职档案-{year}-{rep.name}.docx")


def _home(home_id) -> Home:
    return get_scoped(Home, home_id, current_user)


def _home_representatives(home: Home) -> list[User]:
    return db.session.scalars(
        db.select(User).where(User.home_id == home.id, User.role == Role.REPRESENTATIVE,
                              User.active.is_(True))
        .options(db.joinedload(User.home)).order_by(User.name_key, User.id)).all()


@bp.route("/home/<int:home_id>/docx")
@roles_required(*HOME_ROLES)
def home_records_docx(home_id):
    """Every active representative's record of a Home in one Word document."""
    home = _home(home_id)
    year = _year()
    items = records.records_for(_home_representatives(home), year)
    data = records.record_docx(items)
    log_export(f"代表之家履职档案 {year}（Word）", len(items), object_type="homes",
               object_id=home.id)
    return _download(data, f"履职档案-{year}-{home.name}.docx")


@bp.route("/home/<int:home_id>/print")
@roles_required(*HOME_ROLES)
def home_records_print(home_id):
    """Every active representative's record of a Home as one print view."""
    home = _home(home_id)
    items = records.records_for(_home_representatives(home), _year())
    return render_template("records/record_print.html", items=items, months=records.MONTHS,
                           **_print_context(url_for("main.index")))


@bp.route("/ledger/<int:home_id>")
@roles_required(*HOME_ROLES)
def ledger_page(home_id):
    """The Home's 台账 for a year as a print view (A4), with links to the Word document."""
    home = _home(home_id)
    year = _year()
    return render_template("records/ledger.html",
                           ledger=records.ledger_of(home, year, with_photos=False), years=_years(),
                           **_print_context(url_for("main.index")))


@bp.route("/ledger/<int:home_id>/docx")
@roles_required(*HOME_ROLES)
def ledger_docx(home_id):
    """The Home's 台账 as a Word document with photo thumbnails."""
    home = _home(home_id)
    year = _year()
    ledger = records.ledger_of(home, year)
    data = records.ledger_docx(ledger)
    log_export(f"活动台账 {year}（Word）", len(ledger.entries),
               object_type="homes", object_id=home.id)
    return _download(data, f"活动台账-{year}-{home.name}.docx")
