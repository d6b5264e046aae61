"""On-site sign-in (活动签到, SPEC §5.9) — the public surface of services/signin/.

opening.py opens and closes an activity's sign-in and finds it by code; attending.py signs people
in (by code, anonymously, or 代签 by the organiser) and links worker attendees through SPEC §3's
identity rule, with §5.1's contact records following; attendance.py reads the attendance with
mobiles masked per §4 and the counts beside 参与人数; retention.py clears unlinked attendees' data
after SIGNIN_RETENTION_DAYS; poster.py draws the A4 poster and the QR code; permissions.py says who
may do what; limits.py is the per-address-and-code limit of sign-ins (SIGNIN_RATE_LIMIT).
Operations take the acting user first, write their audit entries and never commit.
"""
from services.signin.attendance import (
    CLEARED,
    AttendanceRow,
    attendance,
    counts_for,
    far_above,
    settled_ids,
    summary_counts,
)
from services.signin.attending import (
    HONEYPOT,
    SigninResult,
    proxy_sign_in,
    sign_in,
)
from services.signin.limits import signin_limit
from services.signin.opening import (
    ENDED,
    close_signin,
    is_open,
    normalize_code,
    open_signin,
    openable,
    signin_by_code,
    signin_of,
)
from services.signin.permissions import (
    OPEN_REFUSED,
    can_open,
    can_proxy,
    sees_full_mobile,
)
from services.signin.poster import (
    Poster,
    poster_pdf,
    qr_svg,
)
from services.signin.retention import (
    clear_expired,
    retention_days,
)

__all__ = [
    "CLEARED",
    "ENDED",
    "HONEYPOT",
    "OPEN_REFUSED",
    "AttendanceRow",
    "Poster",
    "SigninResult",
    "attendance",
    "can_open",
    "can_proxy",
    "clear_expired",
    "close_signin",
    "counts_for",
    "far_above",
    "settled_ids",
    "is_open",
    "normalize_code",
    "open_signin",
    "openable",
    "poster_pdf",
    "proxy_sign_in",
    "qr_svg",
    "retention_days",
    "sees_full_mobile",
    "sign_in",
    "signin_by_code",
    "signin_limit",
    "signin_of",
    "summary_counts",
]
