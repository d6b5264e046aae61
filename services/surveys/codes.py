"""One-time answer codes (SPEC §5.10): issued by the office per Home, shown once, stored as a
SHA-256 digest, each answering once.

A code is CODE_LENGTH characters of the receipts' alphabet (no look-alikes, ≈ 59 bits); people may
type it with spaces, dashes or in lower case. `claim` marks a code used with one conditional
UPDATE (`… WHERE used_at IS NULL`): of 20 concurrent uses exactly one changes the row.
"""
import hashlib
import secrets

import sqlalchemy as sa

from extensions import db
from models import Home, Survey, SurveyCode
from models.base import utcnow
from models.enums import SurveyStatus
from services import audit
from services import validation as v
from services.errors import Collector, Conflict
from services.receipts import RECEIPT_ALPHABET, normalize_receipt
from services.surveys.access import require_admin

CODE_LENGTH = 12
COUNT_MAX = 2000


def digest(code: str) -> str:
    """The stored form of a (normalised) code: hex SHA-256."""
    return hashlib.sha256(code.encode()).hexdigest()


def normalize_code(value) -> str:
    """What a person typed, as a code: trimmed, upper case, spaces and dashes removed."""
    return normalize_receipt(value)


def display_code(code: str) -> str:
    """A code in groups of four for slips (ABCD-EFGH-JKMN); typing it back either way works."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def issue_codes(actor, survey: Survey, data: dict) -> tuple[Home, list[str]]:
    """`count` (1–2000) fresh codes for the Home `home_id`; returns (Home, the codes in clear —
    they are never shown again). 422 naming home_id or count; 409 once the survey is closed."""
    require_admin(actor)
    errors = Collector()
    home_id = v.integer(errors, data, "home_id", "代表之家")
    count = v.integer(errors, data, "count", "数量", minimum=1, maximum=COUNT_MAX)
    home = db.session.get(Home, home_id) if home_id is not None else None
    if home_id is not None and home is None:
        errors.add("home_id", "代表之家不存在")
    errors.raise_if_any()
    if survey.status == SurveyStatus.CLOSED:
        raise Conflict("问卷已结束，不能再生成答题码")
    codes = set()
    while len(codes) < count:
        codes.add("".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(CODE_LENGTH)))
    codes = sorted(codes)
    now = utcnow()
    db.session.execute(sa.insert(SurveyCode), [
        {"survey_id": survey.id, "home_id": home.id, "digest": digest(c), "created_at": now}
        for c in codes])
    audit.record(actor, "issue_codes", survey,
                 detail={"home_id": home.id, "count": count})
    return home, codes


def find_code(survey: Survey, typed) -> SurveyCode | None:
    """The survey's code row for what was typed, or None."""
    code = normalize_code(typed)
    if len(code) < 10:
        return None
    return db.session.scalar(sa.select(SurveyCode).where(SurveyCode.survey_id == survey.id,
                                                         SurveyCode.digest == digest(code)))


def claim(code: SurveyCode) -> bool:
    """Mark the code used; False when another request used it first (one UPDATE)."""
    result = db.session.execute(
        sa.update(SurveyCode).where(SurveyCode.id == code.id, SurveyCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount == 1


def code_counts(survey: Survey) -> list[tuple[int, str, int, int]]:
    """(home_id, home name, issued, used) per Home with codes — one query."""
    return [tuple(r) for r in db.session.execute(
        sa.select(Home.id, Home.name, sa.func.count(SurveyCode.id),
                  sa.func.count(SurveyCode.used_at))
        .join(Home, Home.id == SurveyCode.home_id)
        .where(SurveyCode.survey_id == survey.id)
        .group_by(Home.id, Home.name).order_by(Home.name))]
