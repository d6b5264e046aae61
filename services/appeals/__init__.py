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
