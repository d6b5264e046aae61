"""Opening and closing an activity's sign-in (SPEC §5.9).

- Opened by the organiser, a co-organiser or the Home's manager (services/signin/permissions.py)
  on an activity dated today in Asia/Shanghai whose status is `draft` or `submitted`.
- The code is SIGNIN_CODE_LENGTH characters of an alphabet without look-alikes (0/O, 1/I/L), so it
  can be typed from a poster: ≈ 40 bits, random, URL-safe; looked up case-insensitively.
- It stays open until `closes_at`: the end of the day (23:59:59 Asia/Shanghai) or an earlier time
  given; closing sets `closed_at` at once. Opening again answers the same code (one sign-in per
  activity, and an activity can only be opened on its own date).
- Each opening is audited; each closing writes one entry with the counts (a sign-in that simply
  ran out is summarised by the daily `signin_retention` job).
"""
import secrets
from datetime import UTC, datetime, time

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import Activity, ActivitySignin, User
from models.enums import ActivityStatus, Role
from services import audit, clock
from services.concurrency import lock
from services.constraints import is_unique_violation
from services.errors import Conflict, NotFound, ValidationFailed
from services.scope import require_role
from services.signin.attendance import summary_counts
from services.signin.permissions import require_open

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SIGNIN_CODE_LENGTH = 8
OPENABLE = (ActivityStatus.DRAFT, ActivityStatus.SUBMITTED)
ENDED = "签到已结束"


def new_code() -> str:
    """A fresh random sign-in code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(SIGNIN_CODE_LENGTH))


def normalize_code(value) -> str:
    """A code as typed → as stored: trimmed, upper case, spaces and dashes removed ("" if not text)."""
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value.strip().upper() if ch not in " -")[:32]


def end_of_day(day) -> datetime:
    """23:59:59 of `day` in Asia/Shanghai, as a UTC instant."""
    return datetime.combine(day, time(23, 59, 59), clock.SHANGHAI).astimezone(UTC)


def is_open(signin: ActivitySignin | None, now: datetime | None = None) -> bool:
    """Whether people can sign in now: opened, not closed, not past `closes_at`."""
    if signin is None or signin.closed_at is not None:
        return False
    return (now or clock.now()) <= signin.closes_at


def signin_of(activity: Activity) -> ActivitySignin | None:
    """The activity's sign-in, if it was ever opened."""
    return db.session.scalar(sa.select(ActivitySignin).where(
        ActivitySignin.activity_id == activity.id))


def signin_by_code(code) -> ActivitySignin:
    """The sign-in of a code as typed; NotFound (404) for an unknown code."""
    value = normalize_code(code)
    signin = db.session.scalar(
        sa.select(ActivitySignin).options(sa.orm.joinedload(ActivitySignin.activity))
        .where(ActivitySignin.code == value)) if len(value) >= SIGNIN_CODE_LENGTH else None
    if signin is None:
        raise NotFound("签到码不存在，请核对海报上的地址")
    return signin


def _closes_at(value, moment: datetime, end: datetime) -> datetime:
    """The closing time asked for (None: the end of the day), checked: after now, not after `end`.
    A naive time is read in Asia/Shanghai; a string is ISO 8601."""
    if value in (None, ""):
        return end
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed({"closes_at": ["结束签到时间格式应为 YYYY-MM-DDTHH:MM"]}) from None
    if not isinstance(value, datetime):
        raise ValidationFailed({"closes_at": ["结束签到时间格式应为 YYYY-MM-DDTHH:MM"]})
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.SHANGHAI)
    if value > end:
        raise ValidationFailed({"closes_at": ["结束签到时间不能晚于活动当天 23:59"]})
    if value <= moment:
        raise ValidationFailed({"closes_at": ["结束签到时间必须晚于现在"]})
    return value.astimezone(UTC)


def openable(activity: Activity) -> bool:
    """Whether sign-in can be opened on the activity now: dated today (Asia/Shanghai), draft or
    submitted (who may open it is services.signin.can_open)."""
    return activity.date == clock.today() and activity.status in OPENABLE


def open_signin(actor: User, activity: Activity, closes_at=None) -> tuple[ActivitySignin, bool]:
    """Open sign-in on the activity (or reopen it); returns (sign-in, created).

    Forbidden (403) for anyone but the organiser, a co-organiser or the Home's manager; Conflict
    (409) unless the activity is dated today (Asia/Shanghai) and draft or submitted;
    ValidationFailed naming `closes_at` for a time not after now or after the end of the day.
    `created` is False when the activity already had a sign-in: it is open again with the same
    code, until the new `closes_at`.
    """
    require_role(actor, Role.REPRESENTATIVE, Role.HOME_MANAGER)
    require_open(actor, activity)
    activity = lock(activity)
    day = clock.today()
    if activity.date != day:
        raise Conflict(f"只能在活动当天开启签到（活动日期 {activity.date.isoformat()}，"
                       f"今天 {day.isoformat()}）")
    if activity.status not in OPENABLE:
        raise Conflict(f"只有草稿或待审核的活动可以开启签到（当前状态：{activity.status.label}）")
    moment = clock.now()
    until = _closes_at(closes_at, moment, end_of_day(day))
    signin = signin_of(activity)
    created = signin is None
    if created:
        signin = _insert(actor, activity, moment, until)
    else:
        signin.opened_by_id = actor.id
        signin.opened_at = moment
        signin.closes_at = until
        signin.closed_at = None
        signin.summary_recorded_at = None
    db.session.flush()
    audit.record(actor, "signin_open", signin, detail={"activity_id": activity.id,
                                                       "reopened": not created})
    return signin, created


def _insert(actor, activity, moment, until) -> ActivitySignin:
    """A new sign-in row with a fresh code (a code already taken, however unlikely, draws again)."""
    for _ in range(5):
        signin = ActivitySignin(activity_id=activity.id, code=new_code(), opened_by_id=actor.id,
                                opened_at=moment, closes_at=until)
        try:
            with db.session.begin_nested():
                db.session.add(signin)
                db.session.flush()
            return signin
        except IntegrityError as error:
            if not is_unique_violation(error, "uq_activity_signins_code"):
                raise
    raise Conflict("暂时无法生成签到码，请重试")


def close_signin(actor: User, activity: Activity) -> ActivitySignin:
    """Close the activity's sign-in at once; returns it. Closing a closed sign-in changes nothing.

    Forbidden as for opening; Conflict (409) when sign-in was never opened. The first closing
    writes one audit entry with the counts (services.signin.attendance.summary_counts).
    """
    require_role(actor, Role.REPRESENTATIVE, Role.HOME_MANAGER)
    require_open(actor, activity)
    signin = signin_of(activity)
    if signin is None:
        raise Conflict("该活动尚未开启签到")
    signin = lock(signin)
    moment = clock.now()
    if signin.closed_at is None:
        signin.closed_at = min(moment, signin.closes_at)
    record_closing(actor, signin)
    return signin


def record_closing(actor, signin: ActivitySignin) -> bool:
    """Write the closing audit entry with the counts once per opening; True when written."""
    if signin.summary_recorded_at is not None:
        return False
    signin.summary_recorded_at = clock.now()
    audit.record(actor, "signin_close", signin,
                 detail={"activity_id": signin.activity_id, **summary_counts(signin.activity_id)})
    return True
