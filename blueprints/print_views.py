"""Print views (A4, no navigation; templates/print/): the published results (公示), an assessment's
item sheet and a Home's activity list. Each answers to the same people as its screen page."""
from datetime import date, datetime

import sqlalchemy as sa
from flask import abort, render_template, request, url_for
from flask_login import current_user

from blueprints.decorators import roles_required
from extensions import db
from models import ITEMS, Activity, Assessment, Home
from models.enums import ActivityStatus, Role
from services import assessments, clock
from services.scope import get_scoped, scoped
from services.years import FILTER_YEARS

ADMIN, MANAGER = Role.PROVINCIAL_ADMIN, Role.HOME_MANAGER


def printed_at() -> str:
    """Now in Asia/Shanghai, as the print pages' footer shows it."""
    return datetime.now(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M")


def results(year: int | None, visible, years) -> str:
    """公示: the published results of a year as one A4 table (called by public.results_print)."""
    items = []
    if year is not None:
        items = db.session.scalars(
            sa.select(Assessment).where(*visible, Assessment.year == year)
            .options(sa.orm.joinedload(Assessment.home), sa.orm.selectinload(Assessment.items))
            .order_by(Assessment.total.desc(), Assessment.id)).all()
    return render_template("print/results.html", year=year, assessments=items, codes=list(ITEMS),
                           items_meta=ITEMS, printed_at=printed_at(),
                           back_url=url_for("public.results", year=year))


@roles_required(ADMIN, Role.CITY_ADMIN)
def assessment_sheet(assessment_id: int) -> str:
    """An assessment's item sheet: items, maximum, automatic and final scores, reasons, evidence."""
    a = get_scoped(Assessment, assessment_id, current_user,
                   options=(sa.orm.joinedload(Assessment.home),
                            sa.orm.selectinload(Assessment.items)))
    evidence = assessments.compute(a.home_id, a.year).evidence
    return render_template("print/assessment.html", a=a, evidence=evidence,
                           printed_at=printed_at(),
                           back_url=url_for("provincial.assessment", assessment_id=a.id)
                           if current_user.role == ADMIN
                           else url_for("dashboard.home", home_id=a.home_id))


@roles_required(MANAGER, ADMIN, Role.CITY_ADMIN)
def home_activities() -> str:
    """A Home's verified activities of a year (?year=; provincial and city admins name the Home
    with ?home_id=)."""
    home_id = request.args.get("home_id", type=int)
    if home_id is None:
        home_id = current_user.scope_home_id if current_user.role == MANAGER else None
    if home_id is None:
        abort(404)
    home = get_scoped(Home, home_id, current_user)
    year = FILTER_YEARS.parse(request.args.get("year")) or clock.today().year
    rows = db.session.scalars(
        scoped(Activity, current_user)
        .where(Activity.home_id == home.id, Activity.status == ActivityStatus.VERIFIED,
               Activity.date >= date(year, 1, 1), Activity.date <= date(year, 12, 31))
        .options(sa.orm.joinedload(Activity.organizer), sa.orm.selectinload(Activity.co_organizers))
        .order_by(Activity.date, Activity.id)).all()
    back = (url_for("dashboard.home", home_id=home.id, year=year) if current_user.role == ADMIN
            else url_for("dashboard.home", year=year))
    return render_template("print/activities.html", home=home, year=year, activities=rows,
                           people=sum(a.participants or 0 for a in rows),
                           printed_at=printed_at(), back_url=back)
