"""Provincial office pages: rounds, review queue, Homes and validity, assessments."""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.decorators import roles_required
from blueprints.provincial import bp
from blueprints.provincial.forms import RoundForm
from blueprints.web import commit_operation
from extensions import db
from models import ITEMS, Application, ApplicationRound, Assessment, Home
from models.enums import ApplicationStatus, AssessmentStatus, Grade, HomeStatus, Role
from services import assessments as assessment_service
from services import clock
from services import homes as application_service
from services import homes as home_service
from services import homes as round_service
from services.errors import Conflict, ValidationFailed
from services.scope import get_scoped, scoped
from services.years import PLAN_YEARS

ADMIN = Role.PROVINCIAL_ADMIN


# --- rounds --------------------------------------------------------------------------------

def _approved_counts() -> dict[int, int]:
    """Approved applications per round — one grouped query."""
    return dict(db.session.execute(
        sa.select(Application.round_id, sa.func.count(Application.id))
        .where(Application.status == ApplicationStatus.APPROVED)
        .group_by(Application.round_id)).all())


@bp.route("/rounds", methods=["GET", "POST"])
@roles_required(ADMIN)
def rounds():
    """Rounds with deadline, quota and how many were approved; a form to open a new one."""
    form = RoundForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit() and commit_operation(
                lambda: round_service.create_round(current_user, form.data), form=form,
                success=lambda rnd: f"已开启{rnd.year}年度申报批次"):
            return redirect(url_for("provincial.rounds"))
        status = 422
    items = db.session.scalars(sa.select(ApplicationRound).order_by(
        ApplicationRound.year.desc())).all()
    return render_template("provincial/rounds.html", rounds=items, approved=_approved_counts(),
                           form=form, today=clock.today()), status



@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@roles_required(ADMIN)
def round_edit(round_id):
    """Change a round's deadline or quota."""
    rnd = get_scoped(ApplicationRound, round_id, current_user)
    form = RoundForm(obj=rnd)
    if form.validate_on_submit() and commit_operation(
            lambda: round_service.update_round(current_user, rnd, form.data), form=form,
            success=f"{rnd.year}年度申报批次已更新"):
        return redirect(url_for("provincial.rounds"))
    return render_template("provincial/round_form.html", form=form, round=rnd), \
        422 if request.method == "POST" else 200


# --- review --------------------------------------------------------------------------------

@bp.route("/review")
@roles_required(ADMIN)
def review():
    """Applications waiting for review (or of another status), with their rounds' quotas."""
    status = request.args.get("status", "submitted")
    if status not in ApplicationStatus.values():
        status = "submitted"
    items = db.session.scalars(
        sa.select(Application).where(Application.status == status)
        .options(sa.orm.joinedload(Application.unit), sa.orm.joinedload(Application.round))
        .order_by(Application.submitted_at, Application.id)).all()
    return render_template("provincial/review.html", applications=items, status=status,
                           approved=_approved_counts(),
                           scheme_length=application_service.scheme_length)


@bp.route("/applications/<int:application_id>/review", methods=["POST"])
@roles_required(ADMIN)
def review_decide(application_id):
    application = get_scoped(Application, application_id, current_user)

    def decided(result) -> str:
        _app, home = result
        text = f"已{application_service.DECISION_LABELS[request.form['decision']]}"
        if home is not None:
            text += f"，{home.name}有效期至{home.last_valid_day.isoformat()}"
        return text

    commit_operation(
        lambda: application_service.review_application(current_user, application, {
            "decision": request.form.get("decision"), "opinion": request.form.get("opinion", "")}),
        success=decided, failure="审核未完成：")
    return redirect(url_for("provincial.review"))


# --- Homes and validity --------------------------------------------------------------------

@bp.route("/homes")
@roles_required(ADMIN, Role.CITY_ADMIN)
def homes():
    """Every Home (a city admin: its city's, without the renewal buttons) with status and
    validity; those expiring within 60 days are highlighted."""
    status = request.args.get("status", "")
    stmt = scoped(Home, current_user).options(sa.orm.joinedload(Home.unit)).order_by(
        Home.status, Home.expires_on, Home.id)
    if status in HomeStatus.values():
        stmt = stmt.where(Home.status == status)
    items = db.session.scalars(stmt).all()
    today = clock.today()
    warn_days = int(current_app.config.get("EXPIRY_WARNING_DAYS", 60))
    return render_template("provincial/homes.html", homes=items, status=status, today=today,
                           soon=today + timedelta(days=warn_days), warn_days=warn_days,
                           latest=_latest_published())


def _latest_published() -> dict[int, Assessment]:
    """Each Home's latest published assessment (what renewal depends on) — one query."""
    latest_year = (sa.select(Assessment.home_id, sa.func.max(Assessment.year).label("year"))
                   .where(Assessment.status == AssessmentStatus.PUBLISHED)
                   .group_by(Assessment.home_id).subquery())
    rows = db.session.scalars(sa.select(Assessment).join(
        latest_year, sa.and_(latest_year.c.home_id == Assessment.home_id,
                             latest_year.c.year == Assessment.year)))
    return {a.home_id: a for a in rows}


@bp.route("/homes/<int:home_id>/renew", methods=["POST"])
@roles_required(ADMIN)
def renew(home_id):
    home = get_scoped(Home, home_id, current_user)
    commit_operation(lambda: home_service.renew_home(current_user, home),
                     success=lambda _: f"{home.name}已续期，有效期至{home.last_valid_day.isoformat()}",
                     failure="不能续期：", errors=(Conflict,))
    return redirect(url_for("provincial.homes"))


# --- assessments ---------------------------------------------------------------------------

def _year() -> int:
    year = PLAN_YEARS.parse(request.args.get("year")) or PLAN_YEARS.parse(request.form.get("year"))
    return year or clock.today().year - 1


@bp.route("/assessments")
@roles_required(ADMIN)
def assessments():
    """Assessments of a year with results by grade; create one or all."""
    year = _year()
    items = db.session.scalars(
        sa.select(Assessment).where(Assessment.year == year)
        .options(sa.orm.joinedload(Assessment.home))
        .order_by(Assessment.total.desc(), Assessment.id)).all()
    # Grades of results decided (定稿 or 公示); a draft's grade is provisional and counted apart.
    by_grade = dict(db.session.execute(
        sa.select(Assessment.grade, sa.func.count(Assessment.id))
        .where(Assessment.year == year, Assessment.status != AssessmentStatus.DRAFT)
        .group_by(Assessment.grade)).all())
    drafts = sum(1 for a in items if a.status == AssessmentStatus.DRAFT)
    assessed = {a.home_id for a in items}
    candidates = [h for h in db.session.scalars(sa.select(Home).order_by(Home.name))
                  if h.id not in assessed and not assessment_service.ineligibility(h, year)]
    skipped = [(home, reason) for home, reason in assessment_service.ineligible_homes(year)
               if home.id not in assessed]
    return render_template("provincial/assessments.html", year=year, assessments=items,
                           by_grade=by_grade, grades=list(Grade), candidates=candidates,
                           drafts=drafts, ineligible=skipped, years=PLAN_YEARS.offered(selected=year),
                           publishable_from=assessment_service.publishable_from(year))


@bp.route("/assessments/create", methods=["POST"])
@roles_required(ADMIN)
def assessment_create():
    year = _year()

    def create() -> str:
        """Create the draft(s); the message that says what was created."""
        if request.form.get("scope") == "all":
            created = assessment_service.create_for_all_active(current_user, year)
            skipped = assessment_service.ineligible_homes(year)
            message = f"已为{len(created)}个有效代表之家创建{year}年度考核草稿"
            if skipped:
                message += (f"；{len(skipped)}个代表之家认定晚于{year}年6月30日，未参加本年度考核："
                            + "、".join(home.name for home, _reason in skipped))
            return message
        a = assessment_service.create_assessment(current_user, request.form.get("home_id"), year)
        return f"已创建{a.home.name}{year}年度考核草稿"

    commit_operation(create, success=lambda message: message, failure="未创建：")
    return redirect(url_for("provincial.assessments", year=year))


def _load(assessment_id) -> Assessment:
    return get_scoped(Assessment, assessment_id, current_user,
                      options=(sa.orm.joinedload(Assessment.home),
                               sa.orm.selectinload(Assessment.items)))


def _detail(a: Assessment, errors=None, code=None, status=200):
    evidence = assessment_service.compute(a.home_id, a.year).evidence
    return render_template("provincial/assessment.html", a=a, evidence=evidence, items_meta=ITEMS,
                           errors=errors or {}, error_code=code, form=request.form,
                           publicity_days=assessment_service.publicity_days(),
                           today=clock.today()), status


@bp.route("/assessments/<int:assessment_id>")
@roles_required(ADMIN)
def assessment(assessment_id):
    """The item table, the evidence behind each automatic item, and the workflow buttons."""
    return _detail(_load(assessment_id))


@bp.route("/assessments/<int:assessment_id>/print")
def assessment_print(assessment_id):
    """The assessment's item sheet as an A4 print page."""
    from blueprints import print_views
    return print_views.assessment_sheet(assessment_id)


@bp.route("/assessments/<int:assessment_id>/items/<code>", methods=["POST"])
@roles_required(ADMIN)
def assessment_override(assessment_id, code):
    a = _load(assessment_id)
    outcome = commit_operation(
        lambda: assessment_service.override_item(current_user, a, code, request.form.get("score"),
                                                 request.form.get("reason")),
        success=f"{code}已调整", failure=None)
    if isinstance(outcome.error, ValidationFailed):  # the item's row names what is wrong
        return _detail(_load(assessment_id), outcome.error.fields, code, 422)
    if outcome.error is not None:
        flash(outcome.error.message, "danger")
    return redirect(url_for("provincial.assessment", assessment_id=assessment_id))


@bp.route("/assessments/<int:assessment_id>/<any(recompute, finalize, publish):action>",
          methods=["POST"])
@roles_required(ADMIN)
def assessment_action(assessment_id, action):
    a = _load(assessment_id)
    labels = {"recompute": "已重新计算（保留人工调整）", "finalize": "已定稿", "publish": "已公示"}

    def act():
        if action == "publish":
            return assessment_service.publish_assessment(
                current_user, a, request.form.get("start") or None, request.form.get("days") or None)
        return getattr(assessment_service, f"{action}_assessment")(current_user, a)

    commit_operation(act, success=labels[action], failure="操作未完成：")
    return redirect(url_for("provincial.assessment", assessment_id=assessment_id))



@bp.route("/assessments/bulk", methods=["POST"])
@roles_required(ADMIN)
def assessment_bulk():
    """Finalize the chosen drafts, or publish the chosen final results with one publicity window
    (all or nothing, with the rules of the one-by-one actions)."""
    year = _year()
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit() and len(i) < 10]
    if request.form.get("action") == "publish":
        commit_operation(
            lambda: assessment_service.publish_assessments(
                current_user, ids, request.form.get("start") or None,
                request.form.get("days") or None),
            success=lambda done: f"已公示{len(done)}个考核结果", failure="未公示：")
    else:
        commit_operation(lambda: assessment_service.finalize_assessments(current_user, ids),
                         success=lambda done: f"已定稿{len(done)}个考核", failure="未定稿：")
    return redirect(url_for("provincial.assessments", year=year))
