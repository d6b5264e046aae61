"""Which Homes a year's 经费奖补 goes to (SPEC §5.12), with grade, amount and payment.

A Home is listed for year Y when its assessment of Y is `published`, its publicity window has
ended (publicity_end < today, Asia/Shanghai) with the result still published, and every objection
to it is decided. An upheld objection returns the assessment to `draft`, so it is not listed.
Four statements whatever the number of Homes: the rates, whether any payment of the year exists,
the rows, the payments.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from extensions import db
from models import Assessment, Home, Objection, SubsidyPayment, SubsidyRate, Unit
from models.enums import AssessmentStatus, Grade
from services import clock

ZERO = Decimal("0.00")


@dataclass
class SubsidyRow:
    """One listed Home: its assessment's grade and total, the award of that grade (None while the
    year has no rates), the standing payment (or None) and the reversed ones, oldest first."""
    home_id: int
    home_name: str
    unit_name: str
    city: str | None
    assessment_id: int
    total: Decimal
    grade: Grade
    publicity_end: date
    amount: Decimal | None
    payment: SubsidyPayment | None = None
    reversed: list[SubsidyPayment] = field(default_factory=list)


@dataclass
class SubsidyList:
    """A year's list: rates (None while unset), rows, the sum of the amounts due and of the
    standing payments, and whether the rates are fixed (a payment of the year was ever recorded,
    standing or reversed, for a listed Home or not)."""
    year: int
    rates: SubsidyRate | None
    rows: list[SubsidyRow]
    fixed: bool = False

    @property
    def total_amount(self) -> Decimal:
        return sum((r.amount or ZERO for r in self.rows), ZERO)

    @property
    def total_paid(self) -> Decimal:
        return sum((r.payment.amount for r in self.rows if r.payment is not None), ZERO)

    @property
    def paid_count(self) -> int:
        return sum(1 for r in self.rows if r.payment is not None)


def rates_of(year: int) -> SubsidyRate | None:
    return db.session.scalar(sa.select(SubsidyRate).where(SubsidyRate.year == year))


def rates_fixed(year: int) -> bool:
    """Whether year `year`'s rates are fixed (SPEC §5.12): a payment of the year was ever recorded,
    standing or reversed (红冲). One statement."""
    return db.session.scalar(sa.select(SubsidyPayment.id).where(SubsidyPayment.year == year)
                             .limit(1)) is not None


def eligible_clause(year: int, today: date):
    """WHERE of the assessments whose result stands for year `year` on `today`."""
    undecided = (sa.select(Objection.id)
                 .where(Objection.assessment_id == Assessment.id, Objection.decision.is_(None))
                 .exists())
    return sa.and_(Assessment.year == year,
                   Assessment.status == AssessmentStatus.PUBLISHED,
                   Assessment.publicity_end.is_not(None),
                   Assessment.publicity_end < today,
                   Assessment.grade.is_not(None),
                   ~undecided)


def ineligibility(home_id: int, year: int, today: date | None = None) -> str | None:
    """Why Home `home_id` is not listed for `year` (a Chinese sentence), or None when it is."""
    today = today or clock.today()
    a = db.session.scalar(sa.select(Assessment).where(Assessment.home_id == home_id,
                                                      Assessment.year == year))
    if a is None or a.status != AssessmentStatus.PUBLISHED or a.publicity_end is None:
        return f"该代表之家{year}年度考核结果未公布，不能拨付奖补经费"
    if a.publicity_end >= today:
        return f"该代表之家{year}年度考核结果公示期至{a.publicity_end.isoformat()}，公示期结束后方可拨付"
    if db.session.scalar(sa.select(sa.func.count(Objection.id)).where(
            Objection.assessment_id == a.id, Objection.decision.is_(None))):
        return "该代表之家考核结果尚有未处理的公示异议，处理完毕后方可拨付"
    return None


def subsidy_list(year: int, today: date | None = None, home_ids=None) -> SubsidyList:
    """The year's listed Homes ordered by grade (excellent first), then total (desc), then name;
    `home_ids` narrows it (one Home's 拨付通知)."""
    today = today or clock.today()
    rates = rates_of(year)
    fixed = rates_fixed(year)
    grade_order = sa.case({Grade.EXCELLENT.value: 0, Grade.GOOD.value: 1, Grade.PASS.value: 2},
                          value=Assessment.grade, else_=3)
    stmt = (sa.select(Assessment.id, Assessment.home_id, Assessment.total, Assessment.grade,
                      Assessment.publicity_end, Home.name, Unit.name, Unit.city)
            .join(Home, Home.id == Assessment.home_id).join(Unit, Unit.id == Home.unit_id)
            .where(eligible_clause(year, today))
            .order_by(grade_order, Assessment.total.desc(), Home.name, Home.id))
    if home_ids is not None:
        stmt = stmt.where(Assessment.home_id.in_(list(home_ids)))
    rows = [SubsidyRow(home_id=home_id, home_name=name, unit_name=unit, city=city,
                       assessment_id=aid, total=total, grade=grade, publicity_end=end,
                       amount=rates.amount_for(grade) if rates is not None else None)
            for aid, home_id, total, grade, end, name, unit, city in db.session.execute(stmt)]
    by_home = {r.home_id: r for r in rows}
    if by_home:
        payments = db.session.scalars(
            sa.select(SubsidyPayment)
            .where(SubsidyPayment.year == year, SubsidyPayment.home_id.in_(list(by_home)))
            .order_by(SubsidyPayment.id))
        for p in payments:
            row = by_home[p.home_id]
            if p.current:
                row.payment = p
            else:
                row.reversed.append(p)
    return SubsidyList(year=year, rates=rates, rows=rows, fixed=fixed)
