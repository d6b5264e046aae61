"""Application rounds (申报批次): one per year, with a deadline and a quota."""
from datetime import date

import sqlalchemy as sa

from extensions import db
from models import ApplicationRound, User
from models.enums import Role
from services import audit
from services import validation as v
from services.errors import Collector, Conflict
from services.scope import require_role
from services.years import PLAN_YEARS

DEFAULT_QUOTA = 10


def create_round(actor: User | None, data: dict) -> ApplicationRound:
    """Open the round of a year; a second round for the same year answers Conflict."""
    if actor is not None:
        require_role(actor, Role.PROVINCIAL_ADMIN)
    errors = Collector()
    year = v.integer(errors, data, "year", "年度",
                     minimum=PLAN_YEARS.first, maximum=PLAN_YEARS.last)
    deadline = v.a_date(errors, data, "deadline", "截止日期", earliest=date(PLAN_YEARS.first, 1, 1))
    quota = v.integer(errors, data, "quota", "认定名额", required=False, minimum=0, maximum=1000)
    errors.raise_if_any()
    if db.session.scalar(sa.select(ApplicationRound.id).where(ApplicationRound.year == year)):
        raise Conflict(f"{year}年度的申报批次已存在", {"year": [f"{year}年度的申报批次已存在"]})
    rnd = ApplicationRound(year=year, deadline=deadline,
                           quota=DEFAULT_QUOTA if quota is None else quota)
    db.session.add(rnd)
    audit.record(actor, "create", rnd)
    return rnd


def update_round(actor: User, rnd: ApplicationRound, data: dict) -> ApplicationRound:
    """Change a round's deadline or quota."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    errors = Collector()
    deadline = v.a_date(errors, data, "deadline", "截止日期", earliest=date(PLAN_YEARS.first, 1, 1))
    quota = v.integer(errors, data, "quota", "认定名额", minimum=0, maximum=1000)
    errors.raise_if_any()
    before = audit.snapshot(rnd)
    rnd.deadline, rnd.quota = deadline, quota
    audit.record(actor, "update", rnd, before=before)
    return rnd
