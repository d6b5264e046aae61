"""经费奖补 (SPEC §5.12): a year's rates, the listed Homes with amounts and payments, a payment
and its reversal (红冲) — provincial admins only. Amounts are strings with two decimals
("5000.00"), never floats."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.schemas import InputSchema
from blueprints.api.util import commit
from services import subsidies
from services.subsidies import money

bp = Blueprint("api_subsidies", __name__, description="经费奖补")


class RatesInputSchema(InputSchema):
    excellent = fields.Raw(required=True, allow_none=True)
    good = fields.Raw(required=True, allow_none=True)
    pass_ = fields.Raw(required=True, allow_none=True, data_key="pass")


class PaymentInputSchema(InputSchema):
    paid_on = fields.Raw(required=True, allow_none=True)
    voucher = fields.Raw(required=True, allow_none=True)


class ReversalInputSchema(InputSchema):
    reason = fields.Raw(required=True, allow_none=True)


class RatesSchema(Schema):
    year = fields.Integer()
    excellent = fields.String(metadata={"description": "元，两位小数"})
    good = fields.String()
    pass_ = fields.String(data_key="pass")
    fail = fields.String()


class PaymentSchema(Schema):
    id = fields.Integer()
    year = fields.Integer()
    home_id = fields.Integer()
    grade = fields.String()
    amount = fields.String()
    paid_on = fields.Date()
    voucher = fields.String()
    paid_at = fields.DateTime()
    reversed = fields.Boolean()
    reversed_at = fields.DateTime(allow_none=True)
    reverse_reason = fields.String()


class RowSchema(Schema):
    home_id = fields.Integer()
    home_name = fields.String()
    unit_name = fields.String()
    assessment_id = fields.Integer()
    total = fields.String()
    grade = fields.String()
    amount = fields.String(allow_none=True)
    payment = fields.Nested(PaymentSchema, allow_none=True)
    reversed_payments = fields.List(fields.Nested(PaymentSchema))


class ListSchema(Schema):
    year = fields.Integer()
    rates = fields.Nested(RatesSchema, allow_none=True)
    rates_fixed = fields.Boolean()
    items = fields.List(fields.Nested(RowSchema))
    total_amount = fields.String()
    total_paid = fields.String()
    paid_count = fields.Integer()


def _rates(rates) -> dict | None:
    if rates is None:
        return None
    return {"year": rates.year, "excellent": money(rates.excellent), "good": money(rates.good),
            "pass_": money(rates.pass_), "fail": "0.00"}


def _payment(p) -> dict | None:
    if p is None:
        return None
    return {"id": p.id, "year": p.year, "home_id": p.home_id, "grade": p.grade.value,
            "amount": money(p.amount), "paid_on": p.paid_on, "voucher": p.voucher,
            "paid_at": p.paid_at, "reversed": not p.current, "reversed_at": p.reversed_at,
            "reverse_reason": p.reverse_reason or ""}


@bp.route("/subsidies/<year>/rates", methods=["PUT"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(RatesInputSchema)
@bp.response(200, RatesSchema)
def put_rates(data, year):
    """Set a year's award per grade (yuan, ≥ 0, two decimals; fail is 0); 409 once any payment
    of the year was recorded (standing or reversed)."""
    body = {"excellent": data.get("excellent"), "good": data.get("good"),
            "pass": data.get("pass_")}
    rates = subsidies.set_rates(api_user(), year, body)
    commit(keep_loaded=True)
    return _rates(rates)


@bp.route("/subsidies/<year>", methods=["GET"])
@token_required
@bp.doc(security=SECURITY)
@bp.response(200, ListSchema)
def get_list(year):
    """The Homes whose result of the year stands (published, publicity ended, every objection
    decided), with grade, amount and payment, and the totals."""
    subsidies.require_office(api_user())
    listing = subsidies.subsidy_list(subsidies.parse_year(year))
    return {"year": listing.year, "rates": _rates(listing.rates), "rates_fixed": listing.fixed,
            "items": [{"home_id": r.home_id, "home_name": r.home_name, "unit_name": r.unit_name,
                       "assessment_id": r.assessment_id, "total": money(r.total),
                       "grade": r.grade.value, "amount": money(r.amount),
                       "payment": _payment(r.payment),
                       "reversed_payments": [_payment(p) for p in r.reversed]}
                      for r in listing.rows],
            "total_amount": money(listing.total_amount), "total_paid": money(listing.total_paid),
            "paid_count": listing.paid_count}


@bp.route("/subsidies/<year>/homes/<home_id>/payment", methods=["POST"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(PaymentInputSchema)
@bp.response(201, PaymentSchema)
def post_payment(data, year, home_id):
    """Record the payment of a listed Home's award `{paid_on, voucher}`: once (a second → 409)."""
    payment = subsidies.record_payment(api_user(), year, home_id, data)
    commit(keep_loaded=True)
    return _payment(payment)


@bp.route("/subsidies/<year>/homes/<home_id>/payment", methods=["DELETE"])
@token_required
@bp.doc(security=SECURITY)
@bp.arguments(ReversalInputSchema)
@bp.response(200, PaymentSchema)
def delete_payment(data, year, home_id):
    """Reverse (红冲) the standing payment `{reason}`; it is kept as history and a corrected
    payment may follow."""
    payment = subsidies.reverse_payment(api_user(), year, home_id, data)
    commit(keep_loaded=True)
    return _payment(payment)
