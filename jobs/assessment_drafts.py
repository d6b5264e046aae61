"""assessment_drafts (January 5, 03:00): a draft assessment of the previous year for every active
Home that has none yet (SPEC §5.4)."""
from datetime import date

import sqlalchemy as sa

from extensions import db
from models import Home
from models.enums import HomeStatus
from services.assessments import create_drafts


def run(today: date) -> dict:
    """Create the missing drafts of year today.year − 1 in one batch; existing ones are skipped.

    Scoring is batched (`services.assessments.create_drafts` → `scoring.compute_many`): a fixed
    number of grouped queries for all Homes, and three multi-row INSERTs (assessments, items,
    audit entries) — nothing loaded back, since the job only counts what it created."""

    year = today.year - 1
    homes = db.session.scalar(sa.select(sa.func.count(Home.id)).where(
        Home.status == HomeStatus.ACTIVE)) or 0
    created = len(create_drafts(None, year)) if homes else 0
    return {"year": year, "homes": homes, "created": created, "skipped": homes - created}
