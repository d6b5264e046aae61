"""publicity_close (daily 01:30): apply the effects of ended publicity windows (SPEC §5.3).

The rule itself (a published `fail` becomes a revoked Home once its window has ended) lives in
services.assessments.close_publicity, which marks what it handled so a second run does nothing.
"""
from datetime import date

from models.enums import Grade
from services.assessments import close_publicity


def run(today: date) -> dict:
    """close_publicity(today) and count what it handled."""

    closed = close_publicity(today)
    failed = sum(1 for a in closed if a.grade == Grade.FAIL)
    return {"closed": len(closed), "failed": failed}
