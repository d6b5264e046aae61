"""Activities: logging, editing, submitting and reviewing them, their files and their search — the
public surface of services/activities/.

operations.py holds the operations (create, update, submit, review, delete, attachments);
permissions.py who may do what to an activity (`can`, `can_edit`); inputs.py reads and checks the
fields; contact_sync.py keeps the `activity` contact records in step with SPEC §5.1;
attachments.py and thumbnails.py the stored files; history.py the review history; search.py the
keyword and filter query; joint.py joint activities across Homes (notifying a co-organiser of
another Home, withdrawing, the co-organiser picker's search). Every operation takes the acting
user first, enforces scope, keeps the summary tables in the same transaction and writes its audit
entry; the caller commits.
"""
from services.activities.attachments import (
    MAX_PER_ACTIVITY,
    MAX_SIZE,
    send,
    stored_keys,
)
from services.activities.contact_sync import (
    sync_activity_contacts,
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
from services.activities.joint import (
    SEARCH_LIMIT,
    joint_activity_for,
    readable_activity,
    reads_as_joint_home,
    search_co_organizers,
    withdraw_co_organizer,
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
from services.activities.originals import strip_stored_metadata
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
    make_thumbnails,
    send_thumbnail,
    thumbnail,
)

__all__ = [
    "SEARCH_LIMIT",
    "joint_activity_for",
    "readable_activity",
    "reads_as_joint_home",
    "search_co_organizers",
    "withdraw_co_organizer",
    "FILTER_FIELDS",
    "IGNORED_NOTICE",
    "MAX_PER_ACTIVITY",
    "MAX_SIZE",
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
    "make_thumbnails",
    "send_thumbnail",
    "stored_keys",
    "strip_stored_metadata",
    "normalize",
    "remove_attachment",
    "review_activity",
    "send",
    "submit_activity",
    "sync_activity_contacts",
    "thumbnail",
    "update_activity",
]
