"""The second factor of SPEC §5.13: TOTP (RFC 6238, SHA-1, 6 digits, 30 s, ±1 step) and recovery codes.

- Enrolment: `begin_enrolment` gives a new secret (kept pending) and its otpauth URI for the QR code;
  `confirm_enrolment` takes a code of that secret, makes it the factor and answers 10 recovery codes,
  stored as SHA-256 digests. Enrolling again needs a current code of the factor in use.
- Verification: a code is accepted once: the step it belongs to is claimed by a conditional UPDATE
  (`otp_last_step` only grows), so a code replayed in its window — or raced — is refused. A recovery
  code is spent by a conditional UPDATE of its row. Wrong codes count as login failures (lockout.py).
- A security administrator resets a user's factor; that ends the user's sessions and tokens.
The TOTP clock is `totp_clock.now` (seconds since the epoch), replaceable by tests.
"""
import hashlib
import hmac
import secrets

import pyotp
import sqlalchemy as sa
from flask import current_app

from extensions import db
from models import RecoveryCode, User
from models.base import utcnow
from models.enums import Role
from services import audit
from services.accounts import activation, lockout, sessions
from services.errors import AccountLocked, Forbidden, LoginFailed, ValidationFailed

ISSUER = "科协代表之家"
RECOVERY_CODES = 10
STEP = 30


class _Clock:
    """Where TOTP reads the time: `now()` in seconds since the epoch (tests replace it)."""

    def __init__(self):
        import time
        self.now = time.time


totp_clock = _Clock()


def required() -> bool:
    """Whether SECOND_FACTOR is `required` (the default); `off` asks nobody for a code."""
    return (current_app.config.get("SECOND_FACTOR") or "required").strip().lower() != "off"


def must_enrol(user: User) -> bool:
    """A user who needs a factor (every role but representative) and has not enrolled one yet."""
    return required() and user.needs_second_factor and not user.has_second_factor


def asks_code(user: User) -> bool:
    """Whether a login of `user` asks for a code: an enrolled factor while SECOND_FACTOR is required."""
    return required() and user.has_second_factor


def _digest(code: str) -> str:
    return hashlib.sha256(activation.normalize(code).encode()).hexdigest()


def _matching_step(secret: str, code: str) -> int | None:
    """The step (±1 around now) whose code is `code`, or None."""
    code = "".join(ch for ch in str(code or "") if not ch.isspace())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(totp_clock.now()) // STEP
    for step in (now_step - 1, now_step, now_step + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Claim `step` for the user: True once; a replayed (or raced) code finds it taken."""
    claimed = db.session.execute(
        sa.update(User).where(User.id == user.id, sa.or_(User.otp_last_step.is_(None),
                                                         User.otp_last_step < step))
        .values(otp_last_step=step).execution_options(synchronize_session=False)).rowcount
    db.session.expire(user, ["otp_last_step"])
    return claimed == 1


def _spend_recovery_code(user: User, code: str) -> bool:
    normalised = activation.normalize(code)
    if len(normalised) != 10:
        return False
    spent = db.session.execute(
        sa.update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                      RecoveryCode.code_hash == _digest(normalised),
                                      RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if spent == 1:
        audit.record(user, "otp_recovery_used", user, after={"recovery_code": "used"})
    return spent == 1


def verify_code(user: User, code, address: str, *, field: str = "otp") -> None:
    """Accept a current TOTP code of the user's factor, or one unused recovery code.

    A wrong or replayed code counts as a login failure and raises LoginFailed naming `field`
    (AccountLocked when that failure locks the account).
    """
    lockout.refuse_if_locked(user)
    step = _matching_step(user.otp_secret or "", code) if user.otp_secret else None
    if step is not None and _claim_step(user, step):
        return
    if step is None and _spend_recovery_code(user, code or ""):
        return
    until = lockout.record_failure(user, address, "wrong_otp")
    if until is not None:
        raise AccountLocked(until)
    message = "动态验证码不正确或已使用过"
    raise LoginFailed(message, {field: [message]})


def _new_recovery_code() -> str:
    chars = "".join(secrets.choice(activation.ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


def begin_enrolment(user: User, current_code=None, address: str = "") -> dict:
    """A new secret for the user's authenticator, kept pending until confirmed.

    Enrolling again needs a current code (or recovery code) of the factor in use: missing → 422
    naming `otp`; wrong → a counted failure. Returns {secret, otpauth_uri}.
    """
    if user.has_second_factor:
        if not str(current_code or "").strip():
            raise ValidationFailed({"otp": ["重新绑定须先填写当前身份验证器中的动态验证码"]})
        verify_code(user, current_code, address)
    secret = pyotp.random_base32()
    user.otp_pending_secret = secret
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return {"secret": secret, "otpauth_uri": uri}


def confirm_enrolment(user: User, code) -> list[str]:
    """Make the pending secret the user's factor after one of its codes; answer 10 recovery codes
    (shown once; only their digests are kept). 422 naming `otp` for a wrong code or no pending secret."""
    secret = user.otp_pending_secret
    if not secret:
        raise ValidationFailed({"otp": ["请先生成新的密钥（扫描二维码），再填写验证码"]})
    step = _matching_step(secret, code)
    if step is None:
        raise ValidationFailed({"otp": ["动态验证码不正确，请核对手机时间后重试"]})
    again = user.has_second_factor
    user.otp_secret = secret
    user.otp_pending_secret = None
    user.otp_confirmed_at = utcnow()
    user.otp_last_step = step
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c)) for c in codes)
    audit.record(user, "otp_enrolled", user, after={"second_factor": "re-enrolled" if again else "enrolled"})
    return codes


def reset_second_factor(actor: User | None, user: User) -> User:
    """A security administrator removes the user's factor (they enrol again at the next login) and
    ends every session and token of the user. 403 for every other role; `actor` None is the
    operator's audited break-glass `flask users otp-reset` (SPEC §5.13)."""
    if actor is not None and actor.role != Role.SECURITY_ADMIN:
        raise Forbidden("只有安全管理员可以重置双因素认证")
    user.otp_secret = None
    user.otp_pending_secret = None
    user.otp_confirmed_at = None
    user.otp_last_step = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    sessions.end_all_sessions(user)
    audit.record(actor, "otp_reset", user, after={"second_factor": "reset"})
    return user


def remaining_recovery_codes(user: User) -> int:
    """How many recovery codes the user has not used."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0
