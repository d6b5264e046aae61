"""Photo thumbnails of activity attachments, made once at upload (services/activities/photos.py)
and stored beside the original: "small" (≤ 320 × 240, pages) and "large" (≤ 480 px, the 台账).
Nothing here decodes an original on a request; `make_thumbnails` is for attachments stored before
thumbnails were (`flask storage thumbnails`). Access is the caller's business (the routes apply
the same rules as for the attachment itself)."""
from models import Attachment
from services.activities.attachments import IMAGE_TYPES, thumbnail_keys
from services.activities.photos import PhotoRefused, prepare
from services.storage import get_storage

SIZE = (320, 240)


def is_image(attachment: Attachment) -> bool:
    return attachment.content_type in IMAGE_TYPES


def thumbnail(attachment: Attachment, size: str = "small") -> bytes | None:
    """The stored JPEG thumbnail ("small" or "large") of an image attachment, or None when it is
    not an image or has none stored. An unreachable store raises StorageError (503)."""
    if not is_image(attachment):
        return None
    try:
        return get_storage().read(thumbnail_keys(attachment.stored_name)[size])
    except FileNotFoundError:  # MissingObject: made by `flask storage thumbnails` only
        return None


def send_thumbnail(attachment: Attachment, size: str = "small"):
    """The stored thumbnail as a streamed JPEG response; werkzeug NotFound when there is none."""
    from werkzeug.exceptions import NotFound

    if not is_image(attachment):
        raise NotFound()
    return get_storage().send(thumbnail_keys(attachment.stored_name)[size], mimetype="image/jpeg")


def make_thumbnails(attachment: Attachment, *, replace: bool = False) -> str:
    """Store the thumbnails of an image attachment from its original: "made", "present" (both
    are there and `replace` is False), "skipped" (not an image) or the reason it cannot be made
    (missing file, unreadable or over 40 megapixels). StorageError when the store is down."""
    if not is_image(attachment):
        return "skipped"
    store = get_storage()
    keys = thumbnail_keys(attachment.stored_name)
    if not replace and all(store.exists(key) for key in keys.values()):
        return "present"
    try:
        data = store.read(attachment.stored_name)
    except FileNotFoundError:
        return "原文件不存在"
    try:
        photo = prepare(data, attachment.content_type)
    except PhotoRefused as refused:
        return str(refused)
    store.save(keys["small"], photo.small, content_type="image/jpeg")
    store.save(keys["large"], photo.large, content_type="image/jpeg")
    return "made"
