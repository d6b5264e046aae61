"""assessment_drafts (January 5, 03:00): a draft assessment of the previous year for every active
Home that has none yet (SPEC §5.4)."""
from datetime import date

import sqlalchemy as sa

from extensions import db
from jobs.common import active_home_ids


def run(today: date) -> dict:
    """Create the missing drafts of year today.year − 1; existing ones are skipped."""
    from models import Assessment
    from services.assessments import create_assessment
    from services.errors import Conflict

    year = today.year - 1
    home_ids = active_home_ids()
    existing = set(db.session.scalars(
        sa.select(Assessment.home_id).where(Assessment.year == year))) if home_ids else set()
    created = skipped = 0
    for home_id in home_ids:
        if home_id in existing:
            skipped += 1
            continue
        try:
            create_assessment(None, home_id, year)
        except Conflict:
            skipped += 1
        else:
            created += 1
    return {"year": year, "homes": len(home_ids), "created": created, "skipped": skipped}
