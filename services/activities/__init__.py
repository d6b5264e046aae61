from services.activities.attachments import (
    MAX_PER_ACTIVITY,
    MAX_SIZE,
    send,
    stored_keys,
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
    make_thumbnails,
    send_thumbnail,
    thumbnail,
)

__all__ = [
    "MAX_PER_ACTIVITY",
    "MAX_SIZE",
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
    "normalize",
    "remove_attachment",
    "review_activity",
    "send",
    "submit_activity",
    "thumbnail",
    "update_activity",
]
