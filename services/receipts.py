"""Receipt codes handed to anonymous people (a 代表码 appeal, SPEC §5.5; a 公示异议, §5.6): random,
readable aloud, typed back on /track.

A receipt is RECEIPT_LENGTH characters of RECEIPT_ALPHABET (≈ 59 bits), which leaves out look-alike
characters (0/O, 1/I/L). What a person types is normalised before lookup: trimmed, upper case,
inner spaces and dashes removed; anything shorter than MIN_LENGTH is no receipt.
"""
import secrets

RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 12
MIN_LENGTH = 10


def new_receipt() -> str:
    """A fresh random receipt code (str of RECEIPT_LENGTH characters)."""
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))


def normalize_receipt(value) -> str:
    """What a person typed, as a receipt ("" for anything that is not a string)."""
    if not isinstance(value, str):
        return ""
    return "".join(ch for ch in value.strip().upper() if ch not in " -")[:64]


def looks_like_receipt(value: str) -> bool:
    """True when a normalised value is long enough to be a receipt (shorter ones are never looked up)."""
    return len(value) >= MIN_LENGTH
