"""Activation codes: the first login of an imported or reset account (SPEC §5.8).

Hashing 6,000 passwords with scrypt would take minutes, so an imported account gets no password but
a random activation code, stored like an API token as a SHA-256 digest: valid ACTIVATION_CODE_DAYS
(30) days, single use (setting one's own password consumes it). Until then `must_change_password`
is true and the account can do nothing but set its password.

Codes of a committed import are derived from a per-import salt and SECRET_KEY (HMAC), so the
importer can download them once right after the commit without any code being stored in clear.
"""
import hashlib
import hmac
import secrets
from datetime import timedelta

from flask import current_app

from models import Import, User
from models.base import utcnow

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: codes are read and typed by people
CODE_LENGTH = 12
_FULL_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


def unusable_password() -> str:
    """A password hash no password matches (Werkzeug answers False for an unknown method)."""
    return "!" + secrets.token_hex(16)


def _format(chars: str) -> str:
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def new_code() -> str:
    """A fresh random code such as `K7QD-M2XP-9HTR` (60 bits)."""
    return _format("".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)))


def derived_code(salt: str, key: str) -> str:
    """The code of account `key` in the import with `salt`: HMAC(SECRET_KEY), same alphabet."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"activation:{salt}:{key}".encode(),
                      hashlib.sha256).digest()
    return _format("".join(ALPHABET[b % len(ALPHABET)] for b in digest[:CODE_LENGTH]))


def normalize(code) -> str:
    """Upper case, without separators or spaces, full-width characters made ASCII."""
    if not isinstance(code, str):
        return ""
    code = code.translate(_FULL_WIDTH).upper()
    return "".join(ch for ch in code if ch.isalnum())


def digest(code: str) -> str:
    """The SHA-256 that is stored."""
    return hashlib.sha256(normalize(code).encode()).hexdigest()


def validity() -> timedelta:
    return timedelta(days=current_app.config.get("ACTIVATION_CODE_DAYS", 30))


def assign(user: User, code: str, *, now=None) -> None:
    """Give the account this code instead of a password; it must then set its own password."""
    user.password_hash = unusable_password()
    user.activation_code_hash = digest(code)
    user.activation_expires_at = (now or utcnow()) + validity()
    user.must_change_password = True


def matches(user: User, code) -> bool:
    """Whether `code` is the user's unexpired, unused activation code."""
    if not user.activation_code_hash or user.activation_expires_at is None:
        return False
    normalised = normalize(code)
    if len(normalised) != CODE_LENGTH:
        return False
    if user.activation_expires_at <= utcnow():
        return False
    return hmac.compare_digest(user.activation_code_hash, digest(normalised))


def consume(user: User) -> None:
    """The code is used up: the account now has its own password."""
    user.activation_code_hash = None
    user.activation_expires_at = None
    user.must_change_password = False


#: Column widths of the credentials workbook: usernames, names, codes, dates, the instruction,
#: the platform's login address.
CREDENTIAL_COLUMNS = {"A": 24, "B": 14, "C": 18, "D": 12, "E": 66, "F": 44}


def take_credentials(actor, record) -> bytes:
    """The usernames and activation codes of the accounts an import created, as a workbook — once.

    Only the importer may take it, once (then NotFound): the import's row is claimed by a
    conditional UPDATE (… WHERE credentials_taken_at IS NULL) before the workbook is built, so of
    concurrent downloads exactly one gets it. Accounts whose code has since been used or
    replaced (a reset) are listed without a code. 有效期至 is a date cell: the last day, in Beijing
    time, on which the code works; 登录地址 is the platform's login page on PUBLIC_BASE_URL
    (services.urls.public_url); columns are wide enough to read.
    """
    from io import BytesIO

    import sqlalchemy as sa
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from extensions import db
    from services import audit, clock
    from services.errors import NotFound
    from services.input_rules import for_spreadsheet
    from services.urls import public_url

    gone = "账号激活码只能由导入人下载一次，已下载或不存在"
    if record.user_id != actor.id or not record.has_credentials:
        raise NotFound(gone)
    claimed = db.session.execute(
        sa.update(Import).where(Import.id == record.id, Import.credentials_taken_at.is_(None))
        .values(credentials_taken_at=utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise NotFound(gone)
    db.session.refresh(record)
    ids = record.credentials_user_ids or []
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("账号激活码")
    address = public_url("auth.login")
    for column, width in {**CREDENTIAL_COLUMNS, "F": max(CREDENTIAL_COLUMNS["F"],
                                                         len(address) + 2)}.items():
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.append(["用户名", "姓名", "激活码", "有效期至", "说明", "登录地址"])
    for start in range(0, len(ids), 1000):
        for user in db.session.scalars(sa.select(User).where(User.id.in_(ids[start:start + 1000]))
                                       .order_by(User.id)):
            code = derived_code(record.credentials_salt, user.username.lower())
            if user.activation_code_hash == digest(code):
                # The last day it works, in Beijing time, as a date cell (not UTC, not text).
                expires = WriteOnlyCell(sheet, clock.local(user.activation_expires_at).date())
                expires.number_format = "yyyy-mm-dd"
                sheet.append([for_spreadsheet(user.username), for_spreadsheet(user.name), code,
                              expires, "首次登录时以激活码作为密码，登录后须设置自己的密码（至少12个字符）",
                              address])
            else:
                sheet.append([for_spreadsheet(user.username), for_spreadsheet(user.name), "", None,
                              "激活码已使用或已重置", address])
    audit.record(actor, "export", record, after={"accounts": len(ids)},
                 detail={"what": "账号激活码（credentials.xlsx）", "rows": len(ids)})
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
