"""Home manager pages: representatives table and its Excel export, representative accounts, appeals.

(The verification queue and the activity lists live in blueprints/activities/.) Every page works
on the manager's own Home; provincial admins have their own pages and get 403 here.
"""
import hmac
import time
from io import BytesIO

import sqlalchemy as sa
from flask import make_response, redirect, render_template, request, send_file, session, url_for
from flask_login import current_user

from blueprints import appeal_filters
from blueprints.decorators import roles_required
from blueprints.manage import bp
from blueprints.manage.account_forms import RepresentativeAccountForm
from blueprints.manage.export import representatives_workbook
from blueprints.web import commit_operation, keyset_pager
from blueprints.web.exports import log_export
from extensions import db
from models import Appeal, User
from models.enums import Level, Role, Theme
from services import accounts as account_service
from services import appeals as appeal_service
from services import clock, compliance
from services.errors import Conflict, Forbidden
from services.scope import get_scoped
from services.urls import public_url
from services.years import FILTER_YEARS

MANAGER = Role.HOME_MANAGER
PER_PAGE = 30
#: Session key of the last created account's slip in this browser: {"by", "user_id", "code", "at"}.
SLIP_KEY = "account_slip"
#: How long (seconds) a reload of the slip page still shows the activation code.
SLIP_SECONDS = 30 * 60


def _home_id() -> int:
    home_id = current_user.scope_home_id
    if home_id is None:
        raise Forbidden("您的单位尚无代表之家")
    return home_id


def _year() -> int:
    """?year= when it is a filter year (services.years), else this year."""
    return FILTER_YEARS.parse(request.args.get("year")) or clock.today().year


def _table_args() -> dict:
    sort = request.args.get("sort", "name")
    return {
        "level": request.args.get("level", ""),
        "compliant": request.args.get("compliant", ""),
        "status": request.args.get("status", ""),
        "q": request.args.get("q", "").strip(),
        "sort": sort if sort in compliance.TABLE_SORTS else "name",
        "descending": request.args.get("dir") == "desc",
    }


@bp.route("/representatives")
@roles_required(MANAGER)
def representatives():
    """My Home's representatives: contacts this year, compliant, verified activities by theme,
    last activity — filtered and sorted in one query."""
    home_id, year = _home_id(), _year()
    args = _table_args()
    rows = compliance.representatives_table(year, home_id=home_id, **args)
    filtered = any(args[k] for k in ("level", "compliant", "status", "q"))
    if filtered:  # the summary is of the whole Home, whatever the table shows
        summary = compliance.home(home_id, year)
    else:
        active = [r for r in rows if r.representative.active]
        summary = compliance.HomeCompliance(home_id, sum(r.compliant for r in active), len(active))
    return render_template(
        "manage/representatives.html", rows=rows, year=year, args=args, summary=summary,
        threshold=compliance.threshold(), themes=list(Theme), levels=Level.choices(),
        years=FILTER_YEARS.offered(selected=year))


@bp.route("/representatives/export")
@roles_required(MANAGER)
def representatives_export():
    """The same table (same filters and sort) as an .xlsx file."""
    home_id, year = _home_id(), _year()
    rows = compliance.representatives_table(year, home_id=home_id, **_table_args())
    data = representatives_workbook(rows, home_id, year, compliance.threshold())
    log_export(f"代表联系与活动表 {year}（Excel）", len(rows), object_type="homes",
               object_id=home_id)
    return send_file(BytesIO(data), as_attachment=True,
                     download_name=f"{year}年代表联系与活动.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/accounts")
@roles_required(MANAGER)
def accounts():
    """Representative accounts of my Home: deactivate, reactivate; 新建代表账号 at the top."""
    home_id = _home_id()
    stmt = (sa.select(User).where(User.role == Role.REPRESENTATIVE, User.home_id == home_id)
            .order_by(User.active.desc(), User.name_key, User.id))
    page = keyset_pager(stmt, PER_PAGE)
    return render_template("manage/accounts.html", page=page)


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required(MANAGER)
def account_new():
    """新建代表账号 on its own page: the account gets an activation code (as imported ones do),
    shown once on a printable slip with the platform's login address (no-store)."""
    home_id = _home_id()
    form = RepresentativeAccountForm()
    status = 200
    if form.validate_on_submit():
        data = {k: v for k, v in form.data.items() if k not in ("submit", "csrf_token")}
        data.update(role=Role.REPRESENTATIVE.value, home_id=home_id)
        outcome = commit_operation(lambda: account_service.create_with_code(current_user, data),
                                   form=form)
        if outcome:
            user, code = outcome.value
            session[SLIP_KEY] = {"by": current_user.id, "user_id": user.id, "code": code,
                                 "at": int(time.time())}
            return redirect(url_for("manage.account_slip"), code=303)
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("manage/account_new.html", form=form), status


@bp.route("/accounts/new/slip")
@roles_required(MANAGER)
def account_slip():
    """The printable slip of the account this manager just created (GET after the redirect, so a
    reload creates nothing; no-store). The code comes from this browser's session and is shown again
    on reload for SLIP_SECONDS, to the manager who created the account only, while the code is still
    unused; after that (or for anyone else) the page says the code was shown once and how to get a
    new one. Creating another account replaces the slip."""
    slip = session.get(SLIP_KEY) or {}
    person = None
    if slip.get("by") == current_user.id and time.time() - slip.get("at", 0) <= SLIP_SECONDS:
        person = db.session.get(User, slip.get("user_id"))
        if (person is None or person.home_id != current_user.scope_home_id
                or not person.activation_code_hash
                or not hmac.compare_digest(person.activation_code_hash,
                                           account_service.digest(slip.get("code", "")))):
            person = None
    if person is None:
        session.pop(SLIP_KEY, None)
        response = make_response(render_template("manage/account_code.html", person=None,
                                                 code=None, login_url=None))
    else:
        response = make_response(render_template(
            "manage/account_code.html", person=person, code=slip["code"],
            login_url=public_url("auth.login")))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
@roles_required(MANAGER)
def account_active(user_id):
    """Deactivate (leaves the compliance rate) or reactivate a representative of my Home."""
    user = get_scoped(User, user_id, current_user)
    active = request.form.get("active") == "1"
    commit_operation(lambda: account_service.set_active(current_user, user, active),
                     success=f"代表账号 {user.username} 已{'启用' if active else '停用'}",
                     errors=(Conflict,))
    return redirect(url_for("manage.accounts"))


@bp.route("/appeals")
@roles_required(MANAGER)
def appeals():
    """My Home's appeals, filtered by status, category, state (open, overdue) and a search, open
    ones first."""
    home_id = _home_id()
    stmt = (sa.select(Appeal).where(Appeal.home_id == home_id)
            .options(sa.orm.joinedload(Appeal.representative), sa.orm.joinedload(Appeal.worker)))
    stmt, filters = appeal_filters.apply(stmt)
    page = keyset_pager(stmt, PER_PAGE)
    return render_template("manage/appeals.html", page=page, read_only=False, **filters)


@bp.route("/appeals/<int:appeal_id>/status", methods=["POST"])
@roles_required(MANAGER)
def appeal_status(appeal_id):
    """Forward, resolve (with a response) or close an appeal of my Home."""
    appeal = get_scoped(Appeal, appeal_id, current_user)
    data = {"status": request.form.get("status", ""), "response": request.form.get("response")}
    commit_operation(lambda: appeal_service.change_status(current_user, appeal, data),
                     success=lambda _: f"诉求{appeal.status.label}")  # labels read 已受理, 已转办 …
    return redirect(url_for("manage.appeals", **{k: v for k, v in request.args.items()}))
