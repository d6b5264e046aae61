"""How figures read on pages: rates without a denominator, the last valid day, participants not
given, file sizes. Registered as Jinja filters by blueprints.template_helpers; exports use the same
functions so a page and its Excel file say the same thing."""
import re
from datetime import date

NO_DENOMINATOR = "—"


def rate_text(rate: float | None, denominator: int | None = 1) -> str:
    """A rate as a percentage with one decimal, or — when there is nothing to divide by (a Home
    with no representatives has no compliance rate, not 0 %)."""
    if rate is None or not denominator:
        return NO_DENOMINATOR
    return f"{rate * 100:.1f}%"


def valid_until(home) -> str:
    """有效期至: the last valid day (expires_on − 1), or — for a Home never recognised."""
    day = getattr(home, "last_valid_day", None)
    return day.isoformat() if day else NO_DENOMINATOR


def days_left(home, today: date) -> int | None:
    """Valid days left, today included (1 on the last valid day): expires_on − today."""
    return (home.expires_on - today).days if home.expires_on else None


def days_text(value: float | None) -> str:
    """A number of days as read everywhere (dashboard cards, tables, exports' headers say 天):
    whole numbers without ".0" ("19 天"), one decimal otherwise ("19.5 天"), — when there is none
    (no resolved appeal, no assigned need)."""
    if value is None:
        return NO_DENOMINATOR
    value = round(float(value), 1)
    return f"{value:.0f} 天" if value.is_integer() else f"{value:.1f} 天"


def percent(rate: float | None) -> str:
    """A rate as a percentage with one decimal; — when there is none (nothing to divide by)."""
    return rate_text(rate)


def cell_text(value, fmt: str | None = None) -> str:
    """A dashboard table's cell as the page shows it: None —, fmt percent / score (two decimals) /
    days (days_text), a date ISO, anything else as str."""
    if value is None:
        return NO_DENOMINATOR
    if fmt == "percent":
        return percent(value)
    if fmt == "days":
        return days_text(value)
    if fmt == "score":
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def participants(n: int | None) -> str:
    """参与人数 as read: "25 人", or 未填写 when it was not given (never "0 人")."""
    return "未填写" if n is None else f"{n} 人"


def file_size(n: int | None) -> str:
    """Bytes for people: 512 B, 1.2 KB, 3.4 MB (never "0 KB" for a small file)."""
    n = n or 0
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


#: Chinese words of the switch values the settings take.
SWITCH_WORDS = {"off": "关闭", "on": "开启", "required": "开启（必须）", "optional": "可选"}
_UNITS = {"second": "秒", "minute": "分钟", "hour": "小时", "day": "天", "month": "月",
          "year": "年"}
_EVERY_ONE = {"second": "每秒", "minute": "每分钟", "hour": "每小时", "day": "每天", "month": "每月",
              "year": "每年"}
_LIMIT = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d+)?\s*(second|minute|hour|day|month|year)s?\s*$",
                    re.IGNORECASE)


def rate_limit_text(limit: str) -> str | None:
    """A Flask-Limiter string in Chinese: "10 per minute" / "5/minute" → 每分钟 10 次,
    "100 per hour" → 每小时 100 次, "3 per 5 minutes" → 每 5 分钟 3 次; several limits joined by
    ";" or "," read "、"-joined. None when `limit` is not such a string."""
    parts = [p for p in re.split(r"[;,]", limit) if p.strip()]
    texts = []
    for part in parts:
        m = _LIMIT.match(part)
        if not m:
            return None
        count, many, unit = m.group(1), m.group(2), m.group(3).lower()
        every = f"每 {many} {_UNITS[unit]}" if many and many != "1" else _EVERY_ONE[unit]
        texts.append(f"{every} {count} 次")
    return "、".join(texts) or None


def setting_value(value) -> str:
    """A configuration value as people read it: None —, True/False 是/否, off/on/required
    关闭/开启/开启（必须）, a rate limit in Chinese (rate_limit_text), anything else as written."""
    if value is None:
        return NO_DENOMINATOR
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        word = SWITCH_WORDS.get(value.strip().lower())
        return word or rate_limit_text(value) or value
    return str(value)


def register(app) -> None:
    app.jinja_env.globals["table_cell"] = cell_text
    app.jinja_env.filters.update(rate_text=rate_text, valid_until=valid_until,
                                 file_size=file_size, setting_value=setting_value,
                                 days_text=days_text)
    app.jinja_env.globals.update(participants=participants, days_left=days_left,
                                 current_opinion=lambda a: a.current_opinion)
