"""Small field checks shared by services; each adds a Chinese message under the field's name."""
import re
import unicodedata
from datetime import date

from services.errors import Collector
from services.input_rules import INT_MAX, INT_MIN, parse_date

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
# What people put between the digits of a phone number (after NFKC: full-width forms are ASCII).
_MOBILE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.()]")
_MOBILE_COUNTRY_CODE = re.compile(r"^(?:\+86|0086|86(?=1[3-9][0-9]{9}$))")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Full-width ASCII (U+FF01–U+FF5E) → ASCII, then every middle-dot variant → U+00B7.
_NAME_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_NAME_FOLD.update({ord(dot): "\u00b7" for dot in "\u30fb\u2022\u2027\uff65\uff0e."})
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")


def text(errors: Collector, data: dict, field: str, label: str, *, required=True, max_len=None,
         min_len=None) -> str:
    """A trimmed string; required means non-empty after trimming."""
    value = data.get(field)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(field, f"{label}必须是文本")
        return ""
    value = value.strip()
    if required and not value:
        errors.add(field, f"请填写{label}")
    elif max_len is not None and len(value) > max_len:
        errors.add(field, f"{label}不能超过{max_len}个字符（当前{len(value)}个）")
    elif min_len is not None and value and len(value) < min_len:
        errors.add(field, f"{label}不能少于{min_len}个字符")
    return value


def normalize_name(value) -> str:
    """A person's (or unit's) name as it is compared, never stored (SPEC §3 worker identity):
    full-width ASCII made ASCII, every whitespace removed, and every middle dot written
    `·・•‧･．.` made U+00B7 — `古丽米热・艾比布力` and `古丽米热 · 艾比布力` compare equal."""
    if not isinstance(value, str):
        return ""
    return "".join(value.translate(_NAME_FOLD).split())


def normalize_mobile(value: str) -> str | None:
    """A mainland China mobile as people write it → its 11 digits, or None when it is not one.

    Accepted around the digits: full-width characters (NFKC), spaces, hyphens and dashes, dots,
    parentheses, and the country code written +86, 0086 or 86. `+86 138 0013 8001`,
    `0086 13800138001`, `138-0013-8003` and `１３８００１３８００１` all give `13800138001`.
    Blank or anything else (a landline, too few digits, another country) gives None.
    """
    if not isinstance(value, str):
        return None
    compact = _MOBILE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    compact = _MOBILE_COUNTRY_CODE.sub("", compact, count=1)
    return compact if MOBILE_RE.fullmatch(compact) else None


def mobile(errors: Collector, data: dict, field: str = "mobile", label: str = "手机号",
           *, required=False) -> str:
    """The normalised 11-digit mobile (see normalize_mobile), "" when blank and not required."""
    value = text(errors, data, field, label, required=required, max_len=40)
    if not value or field in errors.fields:
        return value
    normalised = normalize_mobile(value)
    if normalised is None:
        errors.add(field, f"{label}应为11位中国大陆手机号")
        return value
    return normalised


def email(errors: Collector, data: dict, field: str = "email", label: str = "电子信箱",
          *, required=False) -> str:
    value = text(errors, data, field, label, required=required, max_len=120)
    if value and not EMAIL_RE.match(value):
        errors.add(field, f"{label}格式不正确")
    return value


def choice(errors: Collector, data: dict, field: str, label: str, enum_cls, *, required=True):
    """An enum member, or None with an error naming the allowed values."""
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, f"请选择{label}")
        return None
    try:
        return enum_cls(value)
    except ValueError:
        allowed = "、".join(f"{m.value}（{m.label}）" for m in enum_cls)
        errors.add(field, f"{label}无效，可选：{allowed}")
        return None


def integer(errors: Collector, data: dict, field: str, label: str, *, required=True,
            minimum=None, maximum=None):
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, f"请填写{label}")
        return None
    if isinstance(value, bool):
        errors.add(field, f"{label}必须是整数")
        return None
    try:
        if isinstance(value, str):
            text_value = value.strip()
            digits = text_value[1:] if text_value[:1] in "+-" else text_value
            if not (digits.isascii() and digits.isdigit()) or len(digits) > 12:
                raise ValueError
        elif not isinstance(value, (int, float)):
            raise TypeError
        number = int(value)
        if isinstance(value, float) and value != number:
            raise ValueError
    except (TypeError, ValueError, OverflowError):
        errors.add(field, f"{label}必须是整数")
        return None
    # Every stored number is a PostgreSQL integer: beyond it no row and no value can match.
    low = INT_MIN if minimum is None else minimum
    high = INT_MAX if maximum is None else min(maximum, INT_MAX)
    if not low <= number <= high:
        if minimum is None and maximum is None or number > INT_MAX or number < INT_MIN:
            errors.add(field, f"{label}超出允许范围")
        else:
            errors.add(field, f"{label}应在{low}到{high}之间")
        return None
    return number


#: No date the product takes lies beyond this (years run 2000–2100 everywhere); a bound here keeps
#: date arithmetic (a publicity window, a validity) from overflowing Python's year 9999.
LATEST_DATE = date(2100, 12, 31)


def a_date(errors: Collector, data: dict, field: str, label: str, *, required=True,
           earliest: date | None = None, latest: date | None = None):
    """A date written YYYY-MM-DD (or a date), within [earliest, latest or LATEST_DATE]; None and
    the field named in `errors` otherwise."""
    latest = LATEST_DATE if latest is None else min(latest, LATEST_DATE)
    value = data.get(field)
    if value in (None, ""):
        if required:
            errors.add(field, f"请填写{label}")
        return None
    if isinstance(value, str):
        value = parse_date(value)
        if value is None:
            errors.add(field, f"{label}格式应为 YYYY-MM-DD（且须是存在的日期）")
            return None
    if not isinstance(value, date):
        errors.add(field, f"{label}格式应为 YYYY-MM-DD")
        return None
    if earliest is not None and value < earliest:
        errors.add(field, f"{label}不能早于{earliest.isoformat()}")
        return None
    if latest is not None and value > latest:
        errors.add(field, f"{label}不能晚于{latest.isoformat()}")
        return None
    return value


def boolean(data: dict, field: str, default=False) -> bool:
    value = data.get(field, default)
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on", "y"}
    return bool(value)
