from services.activities.attachments import (
    MAX_PER_ACTIVITY,
    send,
)
from services.activities.filters import (
    FILTER_FIELDS,
    IGNORED_NOTICE,
    ActivityFilters,
    FilterReading,
    apply_filters,
    read_filters,
    require_filters,
)
from services.activities.history import (
    review_history,
)
from services.activities.operations import (
    add_attachments,
    create_activity,
    delete_activity,
    remove_attachment,
    review_activity,
    submit_activity,
    update_activity,
    verify_activities,
)
from services.activities.permissions import (
    can,
    can_edit,
)
from services.activities.search import (
    filter_activities,
    normalize,
)
from services.activities.thumbnails import (
    is_image,
    thumbnail,
)

__all__ = [
    "FILTER_FIELDS",
    "IGNORED_NOTICE",
    "MAX_PER_ACTIVITY",
    "ActivityFilters",
    "FilterReading",
    "apply_filters",
    "read_filters",
    "require_filters",
    "add_attachments",
    "verify_activities",
    "can",
    "can_edit",
    "create_activity",
    "delete_activity",
    "filter_activities",
    "review_history",
    "is_image",
    "normalize",
    "remove_attachment",
    "review_activity",
    "send",
    "submit_activity",
    "thumbnail",
    "update_activity",
]
