"""The annual assessment (基础条件 30 + 活动开展 70) and its 公示 — the public surface of
services/assessments/.

scoring.py computes the automatic items (reads only, a fixed number of statements);
operations.py creates, recomputes, overrides, finalises and publishes assessments and applies the
effects of ended publicity windows; objections.py the 公示异议 filed during a window and the
office's one decision on each.
"""
from services.assessments.objections import (
    all_objections,
    decide_objection,
    file_objection,
    get_objection,
    objection_public_view,
    objections_for_assessment,
    open_for_objection,
    published_assessment,
    track_objection,
)
from services.assessments.operations import (
    close_publicity,
    create_assessment,
    create_drafts,
    create_for_all_active,
    finalize_assessment,
    finalize_assessments,
    ineligibility,
    ineligible_homes,
    override_item,
    publicity_days,
    publish_assessment,
    publish_assessments,
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
    "finalize_assessments",
    "ineligibility",
    "ineligible_homes",
    "objections_for_assessment",
    "get_objection",
    "objection_public_view",
    "open_for_objection",
    "override_item",
    "publicity_days",
    "publish_assessment",
    "publish_assessments",
    "publishable_from",
    "published_assessment",
    "track_objection",
    "recompute_assessment",
]
