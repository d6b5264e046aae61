"""assessment_drafts (January 5, 03:00): a draft assessment of the previous year for every eligible
active Home that has none yet (SPEC §5.4)."""
from datetime import date

import sqlalchemy as sa

from extensions import db
from models import Home
from models.enums import HomeStatus
from services.assessments import create_drafts, ineligible_homes


def run(today: date) -> dict:
    """Create the missing drafts of year today.year − 1 in one batch; existing ones are skipped,
    and so are Homes recognised after 30 June of that year (listed under `ineligible` with the
    reason, in the job run's result when there are any).

    Scoring is batched (`services.assessments.create_drafts` → `scoring.compute_many`): a fixed
    number of grouped queries for all Homes, and three multi-row INSERTs (assessments, items,
    audit entries) — nothing loaded back, since the job only counts what it created."""

    year = today.year - 1
    homes = db.session.scalar(sa.select(sa.func.count(Home.id)).where(
        Home.status == HomeStatus.ACTIVE)) or 0
    created = len(create_drafts(None, year)) if homes else 0
    ineligible = ineligible_homes(year)
    counts = {"year": year, "homes": homes, "created": created, "skipped": homes - created}
    if ineligible:
        counts["ineligible"] = [{"home_id": home.id, "home": home.name, "reason": reason}
                                for home, reason in ineligible]
    return counts
