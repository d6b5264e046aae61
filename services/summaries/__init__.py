"""Summary tables: kept current by every writing service in its own transaction, rebuilt and
checked on demand, read by the province figures — the public surface of services/summaries/.

writes.py holds the activity, contact and representative writers; appeals.py the appeals
summary (writes and reads); reads.py the activity rollups, per-Home compliance counts and
submitted (待审核) counts; rebuild.py `rebuild` and `differences`; tables.py, a leaf, the
tables named once and the atomic counter upsert every writer shares.
"""
from services.summaries.appeals import (
    appeal_changed,
    appeal_part,
    open_count,
    year_figures,
)
from services.summaries.reads import (
    activity_rows,
    compliance_counts_by_home,
    linked_levels,
    published_quarters,
    submitted_count,
    submitted_expression,
    verified_total,
)
from services.summaries.rebuild import (
    differences,
    rebuild,
)
from services.summaries.writes import (
    activity_changed,
    activity_part,
    contact_key,
    contacts_changed,
    representative_home,
    representatives_changed,
)

__all__ = [
    "activity_changed",
    "activity_part",
    "activity_rows",
    "appeal_changed",
    "appeal_part",
    "compliance_counts_by_home",
    "contact_key",
    "contacts_changed",
    "differences",
    "linked_levels",
    "open_count",
    "published_quarters",
    "rebuild",
    "representative_home",
    "representatives_changed",
    "submitted_count",
    "submitted_expression",
    "verified_total",
    "year_figures",
]
