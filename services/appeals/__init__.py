"""Appeals (诉求) and the 代表码 — the public surface of services/appeals/.

handling.py files appeals for a representative and moves them through their statuses; public.py
the anonymous side (a representative's public code, appeals left without an account, receipts to
follow them, 办结率 and median days); cards.py QR codes and printable PDF cards; limits.py the
per-address rate limit that the public forms and the API share.
"""
from services.appeals.cards import (
    Card,
    card_representatives,
    cards_pdf,
    qr_svg,
)
from services.appeals.handling import (
    change_status,
    create_appeal,
)
from services.appeals.limits import (
    appeal_limit,
    objection_limit,
    receipt_limit,
)
from services.appeals.public import (
    HONEYPOT,
    handling_rate,
    honeypot_filled,
    median_days,
    normalize_receipt,
    public_view,
    representative_by_code,
    resolved_pairs,
    submit_public_appeal,
    track_appeal,
)

__all__ = [
    "Card",
    "HONEYPOT",
    "appeal_limit",
    "card_representatives",
    "cards_pdf",
    "change_status",
    "create_appeal",
    "handling_rate",
    "honeypot_filled",
    "median_days",
    "normalize_receipt",
    "objection_limit",
    "receipt_limit",
    "public_view",
    "qr_svg",
    "representative_by_code",
    "resolved_pairs",
    "submit_public_appeal",
    "track_appeal",
]
