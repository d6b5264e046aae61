"""需求对接 (SPEC §5.11) — the public surface of services/needs/.

fields.py checks what people type (the family's leaf); access.py who sees which needs and their
contact mobiles; operations.py a need's life (file, dispatch, decline, return, assign, fulfil,
rate, close); queries.py the filtered list and what a receipt shows; suggestions.py the ranking of
representatives with jieba; figures.py the figures per Home and province; limits.py the
per-address limit on filing.
"""
from services.needs.access import (
    can_see_contact,
    get_need,
    is_manager_of,
    need_clause,
    require_reader,
    shown_mobile,
)
from services.needs.fields import ASSIGN_MAX, ASSIGN_MIN, LABELS
from services.needs.figures import EMPTY, by_home, need_figures
from services.needs.limits import need_limit
from services.needs.operations import (
    CLOSE_UNRATED_AFTER_DAYS,
    active_representatives,
    assign_need,
    close_unrated,
    decline_need,
    dispatch_need,
    file_need,
    fulfil_by_activity,
    need_by_receipt,
    rate_need,
    representative_ids,
    return_need,
    servable_need_ids,
    servable_needs,
)
from services.needs.queries import (
    linked_activities,
    list_needs,
    parse_filters,
    public_view,
    receipt_exists,
    with_page_loads,
)
from services.needs.suggestions import SUGGESTIONS_MAX, Suggestion, rank, suggest, words

__all__ = [
    "ASSIGN_MAX",
    "ASSIGN_MIN",
    "CLOSE_UNRATED_AFTER_DAYS",
    "EMPTY",
    "LABELS",
    "SUGGESTIONS_MAX",
    "Suggestion",
    "active_representatives",
    "assign_need",
    "by_home",
    "can_see_contact",
    "close_unrated",
    "decline_need",
    "dispatch_need",
    "file_need",
    "fulfil_by_activity",
    "get_need",
    "is_manager_of",
    "linked_activities",
    "list_needs",
    "need_by_receipt",
    "need_clause",
    "need_figures",
    "need_limit",
    "with_page_loads",
    "parse_filters",
    "public_view",
    "rank",
    "rate_need",
    "receipt_exists",
    "representative_ids",
    "require_reader",
    "return_need",
    "servable_need_ids",
    "servable_needs",
    "shown_mobile",
    "suggest",
    "words",
]
