"""signin_retention (daily 03:30): clear the personal data of sign-in attendees not linked to a
sci-tech worker SIGNIN_RETENTION_DAYS after their activity, and write the closing audit entry (the
counts) of sign-ins that ran out (SPEC §5.9; services/signin/retention.py)."""
from datetime import date

from services import signin


def run(today: date) -> dict:
    """services.signin.clear_expired(today): {cleared, summarised}."""
    return signin.clear_expired(today)
