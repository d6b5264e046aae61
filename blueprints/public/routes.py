"""Public pages without login: recognised Homes and published assessment results (公示)."""
import sqlalchemy as sa
from flask import render_template, request

from blueprints.public import bp
from extensions import db
from models import ITEMS, Assessment, Home
from models.enums import AssessmentStatus, HomeStatus
from services import appeals, assessments, clock


@bp.route("/homes")
def homes():
    """Recognised (active) Homes with their validity."""
    items = db.session.scalars(
        sa.select(Home).where(Home.status == HomeStatus.ACTIVE)
        .options(sa.orm.joinedload(Home.unit)).order_by(Home.recognized_on.desc(), Home.name)).all()
    return render_template("public/homes.html", homes=items)


def _visible(today):
    """Published results whose publicity window has started (during and after the window)."""
    return (Assessment.status == AssessmentStatus.PUBLISHED,
            Assessment.publicity_start <= today)


def results_context(year: int | None) -> dict:
    """What the results page shows: published results of a year, ranked, with their items and
    publicity windows, and the results open to objections today (异议受理)."""
    today = clock.today()
    years = list(db.session.scalars(sa.select(Assessment.year).where(*_visible(today))
                                    .distinct().order_by(Assessment.year.desc())))
    year = year or (years[0] if years else None)
    items = []
    if year is not None:
        items = db.session.scalars(
            sa.select(Assessment).where(*_visible(today), Assessment.year == year)
            .options(sa.orm.joinedload(Assessment.home), sa.orm.selectinload(Assessment.items))
            .order_by(Assessment.total.desc(), Assessment.id)).all()
    return {"years": years, "year": year, "assessments": items, "codes": list(ITEMS),
            "items_meta": ITEMS, "today": today,
            "objectable": assessments.open_for_objection(today),
            "honeypot": appeals.HONEYPOT}


@bp.route("/results")
def results():
    """Published results of a year, ranked, with their windows and the 异议受理 form."""
    return render_template("public/results.html",
                           **results_context(request.args.get("year", type=int)),
                           values={}, errors={})


@bp.route("/results/print")
def results_print():
    """The published results of a year as an A4 print page (公示)."""
    from blueprints import print_views
    today = clock.today()
    years = list(db.session.scalars(sa.select(Assessment.year).where(*_visible(today))
                                    .distinct().order_by(Assessment.year.desc())))
    year = request.args.get("year", type=int) or (years[0] if years else None)
    return print_views.results(year if year in years else None, _visible(today), years)
