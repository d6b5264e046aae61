"""经费奖补 writes (SPEC §5.12), provincial admins only (403 for every other role, before any
validation): a year's rates, a payment to a listed Home, and its reversal (红冲).

- Rates: `{excellent, good, pass}` in yuan, each ≥ 0 with at most two decimals (`fail` is 0).
  Created or replaced until the first payment of the year is recorded; from then on they are fixed
  for good (Conflict), whether that payment still stands or was reversed (红冲): a reversal
  corrects a payment, never the year's rates, so every payment of a year was made at one rate.
- A payment `{paid_on, voucher}` of a listed Home (services/subsidies/listing.py) records the
  award of its grade at the year's rates. Once: a second standing payment of the Home and year is
  a Conflict. Rates and payments of a year both lock the year's rate row, so a rate change and a
  payment never interleave; the unique key (year, home_id, current) is the last word when two
  payments race (its IntegrityError is the same Conflict).
- A reversal `{reason}` marks the standing payment reversed (a conditional UPDATE … WHERE current:
  one of two racing reversals wins) and keeps it as history; a corrected payment may follow.
Every write is audited.
"""
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import Assessment, Home, SubsidyPayment, SubsidyRate, User
from models.base import utcnow
from models.enums import Role
from services import audit, clock
from services import validation as v
from services.errors import Collector, Conflict, NotFound
from services.scope import require_role
from services.subsidies.fields import money, parse_amount, parse_year
from services.subsidies.listing import ineligibility, rates_fixed, rates_of

VOUCHER_MAX = 50
REASON_MAX = 500
EARLIEST_PAYMENT = date(2000, 1, 1)


def require_office(actor: User) -> None:
    """Forbidden (403) unless `actor` is a provincial admin."""
    require_role(actor, Role.PROVINCIAL_ADMIN)


def _locked_rates(year: int) -> SubsidyRate | None:
    return db.session.scalar(sa.select(SubsidyRate).where(SubsidyRate.year == year)
                             .with_for_update())


def _standing(year: int, home_id: int | None = None):
    stmt = sa.select(SubsidyPayment).where(SubsidyPayment.year == year,
                                           SubsidyPayment.current.is_(True))
    if home_id is not None:
        stmt = stmt.where(SubsidyPayment.home_id == home_id)
    return stmt


def set_rates(actor: User, year, data: dict) -> SubsidyRate:
    """Create or replace the year's award per grade. Forbidden for other roles; ValidationFailed
    naming `year`, `excellent`, `good`, `pass`; Conflict once any payment of the year was recorded
    (standing or reversed)."""
    require_office(actor)
    year = parse_year(year)
    errors = Collector()
    amounts = {name: parse_amount(errors, data, name, label)
               for name, label in (("excellent", "优秀奖补标准"), ("good", "良好奖补标准"),
                                   ("pass", "合格奖补标准"))}
    errors.raise_if_any()
    rates = _locked_rates(year)
    if rates_fixed(year):
        raise Conflict(f"{year}年度已登记过拨付（含已红冲的），奖补标准已固定，不能再修改")
    before = audit.snapshot(rates) if rates is not None else None
    if rates is None:
        rates = SubsidyRate(year=year)
        db.session.add(rates)
    rates.excellent, rates.good, rates.pass_ = (amounts["excellent"], amounts["good"],
                                                amounts["pass"])
    rates.updated_by_id = actor.id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # another admin created the year's rates at the same moment
        raise Conflict("该年度的奖补标准已被同时保存，请刷新后重试") from None
    audit.record(actor, "set_subsidy_rates", rates, before=before,
                 detail={"year": year, **{k: money(a) for k, a in amounts.items()}})
    return rates


def record_payment(actor: User, year, home_id, data: dict,
                   today: date | None = None) -> SubsidyPayment:
    """Record the payment (拨付) of a listed Home's award: `paid_on` (YYYY-MM-DD, not after today),
    `voucher` (凭证号, 1–50 characters). Forbidden for other roles; NotFound for an unknown Home;
    ValidationFailed naming `paid_on` / `voucher`; Conflict when the Home is not listed (window
    not ended, objection undecided, result withdrawn), the year has no rates, the award is 0, or
    a payment already stands."""
    require_office(actor)
    year = parse_year(year)
    today = today or clock.today()
    try:
        home = db.session.get(Home, int(home_id))
    except (TypeError, ValueError):
        home = None
    if home is None:
        raise NotFound()
    errors = Collector()
    paid_on = v.a_date(errors, data, "paid_on", "拨付日期", earliest=EARLIEST_PAYMENT,
                       latest=today)
    voucher = v.text(errors, data, "voucher", "凭证号", max_len=VOUCHER_MAX)
    errors.raise_if_any()
    rates = _locked_rates(year)
    reason = ineligibility(home.id, year, today)
    if reason:
        raise Conflict(reason)
    if rates is None:
        raise Conflict(f"请先设定{year}年度的奖补标准")
    if db.session.scalar(_standing(year, home.id)) is not None:
        raise Conflict("该代表之家本年度奖补经费已拨付，不能重复拨付（如需更正请先红冲）")
    a = db.session.scalar(sa.select(Assessment).where(Assessment.home_id == home.id,
                                                      Assessment.year == year))
    amount = rates.amount_for(a.grade)
    if amount <= 0:
        raise Conflict(f"{a.grade.label}等次的奖补标准为0元，无需拨付")
    payment = SubsidyPayment(year=year, home_id=home.id, assessment_id=a.id, grade=a.grade,
                             amount=amount, paid_on=paid_on, voucher=voucher,
                             paid_by_id=actor.id, paid_at=utcnow(), current=True)
    try:
        with db.session.begin_nested():
            db.session.add(payment)
            db.session.flush()
    except IntegrityError:  # a racing payment of the same Home and year won
        raise Conflict("该代表之家本年度奖补经费已拨付，不能重复拨付（如需更正请先红冲）") from None
    audit.record(actor, "subsidy_paid", payment,
                 detail={"year": year, "home_id": home.id, "amount": money(amount),
                         "voucher": voucher})
    return payment


def reverse_payment(actor: User, year, home_id, data: dict) -> SubsidyPayment:
    """Reverse (红冲) the standing payment of a Home and year with a `reason` (1–500 characters);
    the row is kept as history. Forbidden for other roles; NotFound for an unknown Home;
    ValidationFailed naming `reason`; Conflict when no payment stands (or a racing reversal won)."""
    require_office(actor)
    year = parse_year(year)
    try:
        home = db.session.get(Home, int(home_id))
    except (TypeError, ValueError):
        home = None
    if home is None:
        raise NotFound()
    errors = Collector()
    reason = v.text(errors, data, "reason", "红冲原因", max_len=REASON_MAX)
    errors.raise_if_any()
    payment = db.session.scalar(_standing(year, home.id))
    if payment is None:
        raise Conflict("该代表之家本年度没有可红冲的拨付记录")
    before = audit.snapshot(payment)
    done = db.session.execute(
        sa.update(SubsidyPayment)
        .where(SubsidyPayment.id == payment.id, SubsidyPayment.current.is_(True))
        .values(current=None, reversed_at=utcnow(), reversed_by_id=actor.id,
                reverse_reason=reason)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("该拨付记录已被红冲")
    db.session.refresh(payment)
    audit.record(actor, "subsidy_reversed", payment, before=before, reason=reason,
                 detail={"year": year, "home_id": home.id, "amount": money(payment.amount),
                         "voucher": payment.voucher})
    return payment


__all__ = ["rates_fixed", "require_office", "set_rates", "record_payment", "reverse_payment",
           "rates_of"]
