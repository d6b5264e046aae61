"""What a survey found, as pages: results with a Plotly chart and a table per question, completion
per Home and per representative (paged), the raw answers as .xlsx; and a representative's
printable survey card (their link and QR code).

The office reads the province or any Home (?home_id=); a city admin its city (its Homes taken
together) or one of its Homes (?home_id=; another city's: 404); a manager their own Home (another:
404); other roles 403 (services.surveys checks)."""
import json

import sqlalchemy as sa
from flask import render_template, request, send_file, url_for
from flask_login import current_user
from markupsafe import Markup
from plotly.utils import PlotlyJSONEncoder

from blueprints import xlsx
from blueprints.dashboard.assets import plotly_url
from blueprints.decorators import roles_required
from blueprints.print_views import printed_at
from blueprints.surveys import bp
from extensions import db
from models import Home
from models.enums import QuestionKind, Role
from services import dashboard, surveys
from services.clock import local
from services.errors import NotFound
from services.scope import city_home_ids

CONFIG = {"responsive": True, "displayModeBar": False, "displaylogo": False}
FONT = {"family": '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif', "size": 12}


def _figure(question: dict) -> str | None:
    """A horizontal bar chart of a question's counts (JSON for data-figure), or None for text."""
    counts = question["counts"]
    if not counts:
        return None
    labels = list(counts)
    if question["kind"] == QuestionKind.SCALE.value:
        labels = [f"{k}分" for k in counts]
    fig = {"data": [{"type": "bar", "orientation": "h", "x": list(counts.values()),
                     "y": labels, "marker": {"color": "#2471a3"},
                     "hovertemplate": "%{y}：%{x}<extra></extra>"}],
           "layout": {"height": max(160, 44 * len(labels) + 60), "autosize": True,
                      "margin": {"l": 110, "r": 12, "t": 10, "b": 30}, "font": FONT,
                      "yaxis": {"autorange": "reversed", "automargin": True},
                      "xaxis": dashboard.count_axis(max(counts.values(), default=0)),
                      "plot_bgcolor": "#ffffff", "paper_bgcolor": "#ffffff"},
           "config": CONFIG}
    return json.dumps(fig, cls=PlotlyJSONEncoder, ensure_ascii=False)


def _homes_for_picker():
    """The Homes the scope picker offers: every Home for the office, its city's for a city admin,
    none for a manager (their own Home only)."""
    if current_user.role == Role.PROVINCIAL_ADMIN:
        return db.session.execute(sa.select(Home.id, Home.name).order_by(Home.name)).all()
    if current_user.role == Role.CITY_ADMIN:
        return db.session.execute(sa.select(Home.id, Home.name)
                                  .where(Home.id.in_(city_home_ids(current_user.city)))
                                  .order_by(Home.name)).all()
    return []


def _whole() -> str:
    """The picker's first option: what results without a Home cover for the caller."""
    return current_user.city if current_user.role == Role.CITY_ADMIN else "全省"


@bp.route("/<int:survey_id>/results")
@roles_required(Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN, Role.HOME_MANAGER)
def results(survey_id):
    """Counts, averages and answered per question, each with its chart and table."""
    survey = surveys.get_survey(current_user, survey_id, for_results=True)
    home_id = request.args.get("home_id") or None
    found = surveys.results(current_user, survey, home_id)
    charts = {q["id"]: _figure(q) for q in found["questions"]}
    home_name = (db.session.scalar(sa.select(Home.name).where(Home.id == found["home_id"]))
                 if found["home_id"] else None)
    return render_template("surveys/results.html", survey=survey, found=found, charts=charts,
                           homes=_homes_for_picker(), home_id=found["home_id"], whole=_whole(),
                           home_name=home_name,
                           shown=surveys.shown_status(survey), plotly_url=plotly_url())


@bp.route("/<int:survey_id>/completion")
@roles_required(Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN, Role.HOME_MANAGER)
def completion(survey_id):
    """Responses and representatives reached per Home; responses per representative; paged."""
    survey = surveys.get_survey(current_user, survey_id, for_results=True)
    home_id = request.args.get("home_id") or None
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 100000 else 1
    done = surveys.completion(current_user, survey, home_id, page=page, per_page=50)
    pages = max(1, -(-max(done.total_homes, done.total_representatives) // done.per_page))
    return render_template("surveys/completion.html", survey=survey, done=done, pages=pages,
                           homes=_homes_for_picker(), home_id=home_id, whole=_whole())


@bp.route("/<int:survey_id>/answers.xlsx")
@roles_required(Role.PROVINCIAL_ADMIN, Role.CITY_ADMIN, Role.HOME_MANAGER)
def export(survey_id):
    """The raw answers: one row per response, one column per question (text answers included),
    formula-guarded; recorded in the audit trail as an export."""
    survey = surveys.get_survey(current_user, survey_id, for_results=True)
    headers, rows = surveys.export_rows(current_user, survey, request.args.get("home_id") or None)
    db.session.commit()  # the export's audit entry
    book = xlsx.book()
    xlsx.write_table(book, "答卷", headers, ([r[0], local(r[1]).strftime("%Y-%m-%d %H:%M"), *r[2:]]
                                           for r in rows))
    return send_file(xlsx.save(book), mimetype=xlsx.XLSX_MIME, as_attachment=True,
                     download_name=f"{survey.title[:40]}-答卷.xlsx")


@bp.route("/<int:survey_id>/card")
@roles_required(Role.REPRESENTATIVE)
def card(survey_id):
    """A representative's printable card for a survey: their link (carrying their public code)
    and its QR code, on PUBLIC_BASE_URL."""
    survey = surveys.get_survey(current_user, survey_id)
    if not current_user.public_code:
        raise NotFound()
    url = surveys.survey_url(survey.id, current_user.public_code)
    # segno writes only paths and a fixed title: no user text reaches this SVG.
    svg = Markup(surveys.survey_qr_svg(url, scale=6))  # noqa: S704
    return render_template("surveys/card.html", survey=survey, url=url, svg=svg,
                           back_url=url_for("rep.me"), printed_at=printed_at())
