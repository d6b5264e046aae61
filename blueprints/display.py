"""How figures read on pages: rates without a denominator, the last valid day, participants not
given, file sizes. Registered as Jinja filters by blueprints.template_helpers; exports use the same
functions so a page and its Excel file say the same thing."""
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


def register(app) -> None:
    from blueprints.dashboard.table_rows import cell_text
    app.jinja_env.globals["table_cell"] = cell_text
    app.jinja_env.filters.update(rate_text=rate_text, valid_until=valid_until,
                                 file_size=file_size)
    app.jinja_env.globals.update(participants=participants, days_left=days_left,
                                 current_opinion=lambda a: a.current_opinion)
