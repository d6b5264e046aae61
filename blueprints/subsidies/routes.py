"""The office's 经费奖补 page: a year's rates, the listed Homes with amount and payment, and the
pay and reverse actions. Provincial admins only (403 for every other role before anything is
read); every write goes through `commit_operation`, the service audits it."""
from flask import redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.decorators import roles_required
from blueprints.subsidies import bp
from blueprints.web import commit_operation
from models.enums import Grade, Role
from services import clock, subsidies
from services.errors import ValidationFailed
from services.years import PLAN_YEARS


def default_year() -> int:
    """Last year: results of a year are published from 1 January of the next."""
    return clock.today().year - 1


def _year_arg():
    raw = request.args.get("year") or default_year()
    try:
        return subsidies.parse_year(raw)
    except ValidationFailed:
        return default_year()


def _page(year: int, *, rate_values=None, errors=None, status=200):
    listing = subsidies.subsidy_list(year)
    rates = listing.rates
    if rate_values is None:
        rate_values = {"excellent": subsidies.money(rates.excellent) if rates else "",
                       "good": subsidies.money(rates.good) if rates else "",
                       "pass": subsidies.money(rates.pass_) if rates else ""}
    return render_template("subsidies/index.html", listing=listing, year=year,
                           years=PLAN_YEARS.offered(selected=year), today=clock.today(),
                           rate_values=rate_values, errors=errors or {}, grades=Grade,
                           money=subsidies.money, yuan=subsidies.yuan), status


@bp.route("/")
@roles_required(Role.PROVINCIAL_ADMIN)
def index():
    """The year's rates, listed Homes, amounts, payments and totals."""
    return _page(_year_arg())


@bp.route("/<int:year>/rates", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def rates(year):
    """Save the year's rates; refused (shown beside the fields) once a payment stands."""
    data = {k: request.form.get(k, "") for k in ("excellent", "good", "pass")}
    done = commit_operation(lambda: subsidies.set_rates(current_user, year, data),
                            success=f"{year}年度奖补标准已保存")
    if done:
        return redirect(url_for("subsidies.index", year=year))
    if done.error.fields:
        return _page(subsidies.parse_year(year), rate_values=data, errors=done.error.fields,
                     status=422)
    return redirect(url_for("subsidies.index", year=year))


@bp.route("/<int:year>/homes/<int:home_id>/pay", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def pay(year, home_id):
    """Record a payment (拨付日期, 凭证号) of one listed Home."""
    data = {"paid_on": request.form.get("paid_on", ""), "voucher": request.form.get("voucher", "")}
    commit_operation(lambda: subsidies.record_payment(current_user, year, home_id, data),
                     success="拨付已登记", failure="未能登记拨付：")
    return redirect(url_for("subsidies.index", year=year) + f"#home-{home_id}")


@bp.route("/<int:year>/homes/<int:home_id>/reverse", methods=["POST"])
@roles_required(Role.PROVINCIAL_ADMIN)
def reverse(year, home_id):
    """Reverse (红冲) the standing payment of one Home, with a reason."""
    data = {"reason": request.form.get("reason", "")}
    commit_operation(lambda: subsidies.reverse_payment(current_user, year, home_id, data),
                     success="已红冲，可重新登记拨付", failure="未能红冲：")
    return redirect(url_for("subsidies.index", year=year) + f"#home-{home_id}")
