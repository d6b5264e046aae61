"""The annual assessment (年度考核) of Homes: create, recompute, override, finalize, publish, and the
effects of ended publicity windows (SPEC §5.3–§5.4).

The publicity window is stored as `publicity_start` and `publicity_end`, where publicity_end is
the LAST day of the window, inclusive: publicity_end = start + days − 1. The window has ended on
day d when d > publicity_end; only then are its effects (revocation of a failed Home) applied.
"""
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import ITEMS, Assessment, AssessmentItem, Home, User
from models.base import utcnow
from models.enums import AssessmentStatus, Grade, HomeStatus, Role
from services import audit, clock, homes
from services import validation as v
from services.assessments import scoring
from services.assessments.objections import undecided_exists
from services.concurrency import lock
from services.errors import Collector, Conflict, NotFound, ValidationFailed
from services.notifications import notify_home
from services.scope import require_role
from services.years import PLAN_YEARS

BULK_MAX = 500  # results finalised or published in one action (a province has a few hundred Homes)


def _admin_or_system(actor: User | None) -> None:
    if actor is not None:
        require_role(actor, Role.PROVINCIAL_ADMIN)


def publicity_days() -> int:
    return int(current_app.config.get("PUBLICITY_DAYS", 7))


def _apply_totals(a: Assessment) -> None:
    a.total = sum((item.score for item in a.items), Decimal("0"))
    a.grade = scoring.grade_for(a.total)


def eligibility_cutoff(year: int) -> date:
    """The last recognition day that makes a Home assessable for `year`: 30 June of that year
    (SPEC §5.4: at least half of the year to work in)."""
    return date(year, 6, 30)


def ineligibility(home: Home, year: int) -> str | None:
    """Why `home` is not assessed for `year` (Chinese, for pages and 409s), or None when it is.

    A Home recognised after 30 June of `year` has less than half of the year to work in; a Home
    without a recognition date was recognised before the platform kept one and is assessed."""
    if home.recognized_on is not None and home.recognized_on > eligibility_cutoff(year):
        return (f"{home.name}于{home.recognized_on.isoformat()}认定，晚于{year}年6月30日，"
                f"不参加{year}年度考核")
    return None


def _eligible(year: int):
    """The SQL condition of `ineligibility` being None (for the batch)."""
    return sa.or_(Home.recognized_on.is_(None), Home.recognized_on <= eligibility_cutoff(year))


def ineligible_homes(year) -> list[tuple[Home, str]]:
    """The active Homes the batch skips for `year` because of eligibility, with the reason each,
    in Home order (pages and the job say which and why)."""
    homes = db.session.scalars(sa.select(Home).where(
        Home.status == HomeStatus.ACTIVE, ~_eligible(year)).order_by(Home.id))
    return [(home, ineligibility(home, year)) for home in homes]


def create_assessment(actor: User | None, home_id, year) -> Assessment:
    """A draft assessment of a Home for a year with its automatic items.

    Conflict (409) when one exists, or when the Home is not eligible for the year (SPEC §5.4:
    recognised after 30 June of it), naming the reason under `year`."""
    _admin_or_system(actor)
    errors = Collector()
    home_id = v.integer(errors, {"home_id": home_id}, "home_id", "代表之家", minimum=1,
                        maximum=2**31 - 1)
    year = v.integer(errors, {"year": year}, "year", "考核年度",
                     minimum=PLAN_YEARS.first, maximum=PLAN_YEARS.last)
    if home_id is not None and db.session.get(Home, home_id) is None:
        errors.add("home_id", "代表之家不存在")
    errors.raise_if_any()
    if db.session.scalar(sa.select(Assessment.id).where(Assessment.home_id == home_id,
                                                        Assessment.year == year)):
        message = f"该代表之家{year}年度的考核已存在"
        raise Conflict(message, {"year": [message]})
    problem = ineligibility(db.session.get(Home, home_id), year)
    if problem:
        raise Conflict(problem, {"year": [problem]})
    return _create(actor, home_id, year, scoring.compute(home_id, year).items)


def _new(home_id: int, year: int, items: dict) -> Assessment:
    a = Assessment(home_id=home_id, year=year, status=AssessmentStatus.DRAFT)
    a.items = [AssessmentItem(code=code, max_score=ITEMS[code][0], auto_score=score)
               for code, score in items.items()]
    _apply_totals(a)
    return a


def _create(actor: User | None, home_id: int, year: int, items: dict) -> Assessment:
    a = _new(home_id, year, items)
    db.session.add(a)
    db.session.flush()
    audit.record(actor, "create", a)
    return a


def create_for_all_active(actor: User | None, year) -> list[Assessment]:
    """A draft assessment of `year` for every eligible active Home that has none yet, in Home
    order (one query loads them; their items load when used). Ineligible Homes are skipped
    (`ineligible_homes(year)` says which and why)."""
    ids = create_drafts(actor, year)
    if not ids:
        return []
    new = set(ids)
    return [a for a in db.session.scalars(
        sa.select(Assessment).where(Assessment.year == year,
                                    Assessment.id.between(min(ids), max(ids)))
        .order_by(Assessment.home_id)) if a.id in new]


def create_drafts(actor: User | None, year) -> list[int]:
    """create_for_all_active without loading what it wrote: the ids of the new drafts.

    Scored in one batch (`scoring.compute_many`); the assessments, their items and their audit
    entries are three multi-row INSERTs (no ORM objects for thousands of rows)."""
    _admin_or_system(actor)
    errors = Collector()
    year = v.integer(errors, {"year": year}, "year", "考核年度",
                     minimum=PLAN_YEARS.first, maximum=PLAN_YEARS.last)
    errors.raise_if_any()
    existing = sa.select(Assessment.home_id).where(Assessment.year == year)
    eligible = sa.select(Home.id).where(
        Home.status == HomeStatus.ACTIVE, _eligible(year), Home.id.not_in(existing))
    scores = scoring.compute_many(eligible, year)
    if not scores:
        return []
    now = utcnow()
    rows = []
    for home_id in sorted(scores):
        total = sum(scores[home_id].values(), Decimal("0"))
        rows.append({"home_id": home_id, "year": year, "status": AssessmentStatus.DRAFT,
                     "total": total, "grade": scoring.grade_for(total), "created_at": now,
                     "updated_at": now})
    db.session.flush()
    ids = list(db.session.scalars(
        sa.insert(Assessment).returning(Assessment.id, sort_by_parameter_order=True), rows))
    db.session.execute(sa.insert(AssessmentItem), [
        {"assessment_id": aid, "code": code, "max_score": ITEMS[code][0], "auto_score": score,
         "reason": ""}
        for aid, row in zip(ids, rows, strict=True) for code, score in scores[row["home_id"]].items()])
    blank = {key: None for key in audit.snapshot_keys(Assessment)}
    audit.record_rows(actor, "create", "assessments", [
        (aid, {**blank, "id": aid, **audit.json_safe_values(row)})
        for aid, row in zip(ids, rows, strict=True)])
    return ids


def _require_draft(a: Assessment) -> None:
    """Lock the assessment's row (racing changes are served in turn), then insist on a draft."""
    lock(a)
    if a.status != AssessmentStatus.DRAFT:
        raise Conflict(f"考核当前状态为“{a.status.label}”，只有草稿可以修改")


def recompute_assessment(actor: User | None, a: Assessment) -> Assessment:
    """Recompute the automatic scores of a draft; overrides are kept."""
    _admin_or_system(actor)
    _require_draft(a)
    before = audit.snapshot(a)
    result = scoring.compute(a.home_id, a.year)
    for item in a.items:
        item.auto_score = result.items[item.code]
    _apply_totals(a)
    db.session.flush()
    audit.record(actor, "recompute", a, before=before)
    return a


def item_of(a: Assessment, code: str) -> AssessmentItem:
    for item in a.items:
        if item.code == code:
            return item
    raise NotFound("考核项目不存在")


def override_item(actor: User, a: Assessment, code: str, score, reason) -> Assessment:
    """Set an item's score by hand: score in [0, max] (422 `score`), a reason (422 `reason`)."""
    require_role(actor, Role.PROVINCIAL_ADMIN)
    item = item_of(a, code)
    _require_draft(a)
    errors = Collector()
    value = None
    if score in (None, "") or isinstance(score, bool):
        errors.add("score", "请填写分值")
    else:
        try:
            value = Decimal(str(score).strip())
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.add("score", "分值必须是数字")
            value = None
        if value is not None:
            if value < 0 or value > item.max_score:
                errors.add("score", f"分值应在0到{scoring.round2(item.max_score)}之间")
            elif value != value.quantize(scoring.CENT):
                errors.add("score", "分值最多保留两位小数")
    reason = reason.strip() if isinstance(reason, str) else ""
    errors.check(bool(reason), "reason", "调整分值必须填写理由")
    if len(reason) > 2000:
        errors.add("reason", "理由不能超过2000个字符")
    errors.raise_if_any()
    before = {"code": code, "auto_score": str(item.auto_score),
              "override_score": None if item.override_score is None else str(item.override_score),
              "reason": item.reason, "total": str(a.total)}
    item.override_score = value.quantize(scoring.CENT)
    item.reason = reason
    _apply_totals(a)
    db.session.flush()
    audit.record(actor, "override_item", a, before=before,
                 after={"code": code, "override_score": str(item.override_score),
                        "reason": reason, "total": str(a.total)}, reason=reason)
    return a


def finalize_assessment(actor: User | None, a: Assessment) -> Assessment:
    """Draft → final: the grade is fixed."""
    _admin_or_system(actor)
    _require_draft(a)
    before = audit.snapshot(a)
    _apply_totals(a)
    a.status = AssessmentStatus.FINAL
    a.finalized_at = utcnow()
    db.session.flush()
    audit.record(actor, "finalize", a, before=before)
    _notify(a, "assessment_final", f"{a.year}年度考核结果已定稿：{a.total}分，{a.grade.label}")
    return a


def _selected(ids, status: AssessmentStatus, label: str) -> list[Assessment]:
    """The assessments of `ids` (a list of ids) in id order — the order their rows are locked in,
    so two bulk actions never wait on each other in a circle. ValidationFailed naming `ids` for
    an empty or non-integer list, one over BULK_MAX, or an id that is not an assessment in
    `status`."""
    errors = Collector()
    if not isinstance(ids, list | tuple) or not ids:
        errors.add("ids", f"请选择要{label}的考核")
    elif len(ids) > BULK_MAX:
        errors.add("ids", f"一次最多{label}{BULK_MAX}个考核")
    elif not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**31 for i in ids):
        errors.add("ids", "考核编号应为正整数")
    errors.raise_if_any()
    wanted = sorted(set(ids))
    found = list(db.session.scalars(sa.select(Assessment).where(Assessment.id.in_(wanted))
                                    .order_by(Assessment.id)))
    if len(found) != len(wanted):
        raise ValidationFailed({"ids": ["所选考核中有不存在的考核"]})
    wrong = [a for a in found if a.status != status]
    if wrong:
        names = "、".join(f"{a.home.name}（{a.status.label}）" for a in wrong[:5])
        message = f"只有“{status.label}”的考核可以{label}：{names}"
        raise Conflict(message, {"ids": [message]})
    return found


def finalize_assessments(actor: User | None, ids) -> list[Assessment]:
    """Finalize several drafts in one transaction with the rules of `finalize_assessment` (all or
    nothing: one refusal leaves every one a draft)."""
    _admin_or_system(actor)
    return [finalize_assessment(actor, a) for a in _selected(ids, AssessmentStatus.DRAFT, "定稿")]


def publish_assessments(actor: User | None, ids, start=None, days=None) -> list[Assessment]:
    """One 公示 for several final results: the same window for all, with the rules of
    `publish_assessment` (all or nothing)."""
    _admin_or_system(actor)
    return [publish_assessment(actor, a, start, days)
            for a in _selected(ids, AssessmentStatus.FINAL, "公示")]


def publishable_from(year: int) -> date:
    """The first day a result of `year` may be published or start its publicity: 1 January of the
    next year (SPEC §5.4: the year is over)."""
    return date(year + 1, 1, 1)


def publish_assessment(actor: User | None, a: Assessment, start=None, days=None) -> Assessment:
    """Final → published with the publicity window [start, start + days − 1] (inclusive).

    Conflict (409) before 1 January of year + 1 (the day of the action, Asia/Shanghai), or with a
    publicity start before that day (SPEC §5.4)."""
    _admin_or_system(actor)
    lock(a)
    if a.status != AssessmentStatus.FINAL:
        raise Conflict(f"考核当前状态为“{a.status.label}”，只有已定稿的考核可以公示")
    errors = Collector()
    start = v.a_date(errors, {"start": start}, "start", "公示开始日期", required=False,
                     earliest=date(PLAN_YEARS.first, 1, 1)) or None
    days = v.integer(errors, {"days": days}, "days", "公示天数", required=False, minimum=1,
                     maximum=365)
    errors.raise_if_any()
    today = clock.today()
    first_day = publishable_from(a.year)
    if today < first_day:
        message = f"{a.year}年度尚未结束，{first_day.isoformat()}起才能公示该年度考核结果"
        raise Conflict(message, {"start": [message]})
    start = start or today
    if start < first_day:
        message = f"公示开始日期不能早于{first_day.isoformat()}（{a.year}年度结束后）"
        raise Conflict(message, {"start": [message]})
    days = days or publicity_days()
    before = audit.snapshot(a)
    a.status = AssessmentStatus.PUBLISHED
    a.publicity_start = start
    a.publicity_end = start + timedelta(days=days - 1)
    a.published_at = utcnow()
    db.session.flush()
    audit.record(actor, "publish", a, before=before)
    _notify(a, "assessment_published",
            f"{a.year}年度考核结果公示：{a.publicity_start.isoformat()}至{a.publicity_end.isoformat()}",
            f"总分{a.total}，等次{a.grade.label}。")
    return a


def close_publicity(today: date | None = None) -> list[Assessment]:
    """Apply the effects of every ended publicity window (today > publicity_end) not yet applied:
    a `fail` grade revokes the Home. Idempotent. An assessment with an undecided objection waits
    (SPEC §5.6); a withdrawn one is a draft again and is not touched."""

    today = today or clock.today()
    ended = list(db.session.scalars(
        sa.select(Assessment).where(Assessment.status == AssessmentStatus.PUBLISHED,
                                    Assessment.publicity_end < today,
                                    Assessment.effects_applied_on.is_(None),
                                    ~undecided_exists())
        .order_by(Assessment.id)))
    for a in ended:
        before = audit.snapshot(a)
        if a.grade == Grade.FAIL:
            homes.revoke_home(a.home, None, reason=f"{a.year}年度考核不合格，公示期满")
        a.effects_applied_on = today
        db.session.flush()
        audit.record(None, "close_publicity", a, before=before)
    return ended


def _notify(a: Assessment, kind: str, title: str, body: str = "") -> None:
    notify_home(a.home_id, kind, title, body, link=f"/public/results?year={a.year}",
                counts={"year": a.year})
