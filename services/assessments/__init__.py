from services.assessments.objections import (
    all_objections,
    decide_objection,
    file_objection,
    get_objection,
    objections_for_assessment,
    open_for_objection,
    published_assessment,
)
from services.assessments.operations import (
    close_publicity,
    create_assessment,
    create_drafts,
    create_for_all_active,
    finalize_assessment,
    ineligibility,
    ineligible_homes,
    override_item,
    publicity_days,
    publish_assessment,
    publishable_from,
    recompute_assessment,
)
from services.assessments.scoring import (
    compute,
)

__all__ = [
    "all_objections",
    "close_publicity",
    "compute",
    "create_assessment",
    "create_drafts",
    "create_for_all_active",
    "decide_objection",
    "file_objection",
    "finalize_assessment",
    "ineligibility",
    "ineligible_homes",
    "objections_for_assessment",
    "get_objection",
    "open_for_objection",
    "override_item",
    "publicity_days",
    "publish_assessment",
    "publishable_from",
    "published_assessment",
    "recompute_assessment",
]
