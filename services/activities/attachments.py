"""Activity attachments: jpg/png/pdf checked by content, ≤10 MB each, ≤10 per activity.

Phones' names are taken as they come: percent-encoded names are decoded, and a name without a
known extension (an Android picker's `1000000036`) gets the one its content shows; a known
extension that contradicts the content is refused. Photos are prepared once, at upload
(services/activities/photos.py): EXIF stripped with the orientation applied, HEIC converted to
JPEG, over 40 megapixels refused, and two thumbnails stored beside the original under
`thumbs/` (thumbnail_keys) — served and put in the 台账 from there, never decoded again.

Files are kept by services/storage.py (UPLOAD_DIR outside static/, or the S3-compatible store when
STORAGE_URL is set) under a random stored name. A file written during a transaction that is rolled
back is removed again — unless the rollback followed a failed COMMIT, whose outcome is unknown: then
it stays (a file is deleted only when no committed row refers to it; `flask storage check
--remove-orphans` removes the true orphans later). A file of a deleted attachment is removed only
once the deletion is committed.
"""
import contextlib
import logging
import os
import secrets
from urllib.parse import unquote

import filetype
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from extensions import db
from models import Attachment
from services.activities.photos import HEIF_TYPES, PhotoRefused, prepare
from services.errors import Collector
from services.storage import StorageError, get_storage

log = logging.getLogger("rephome.attachments")

MAX_SIZE = 10 * 1024 * 1024
MAX_PER_ACTIVITY = 10
FIELD = "attachments"

#: Allowed content types → the extensions a file of that content may carry.
ALLOWED = {
    "image/jpeg": ("jpg", "jpeg"),
    "image/png": ("png",),
    "application/pdf": ("pdf",),
}
_STORED_EXT = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
#: What the content may also be (iPhone photos): converted to JPEG before it is stored.
_CONVERTED = {"image/heic": ("heic", "heif"), "image/heif": ("heif", "heic")}
_KNOWN_EXT = {ext for exts in (*ALLOWED.values(), *_CONVERTED.values()) for ext in exts}
IMAGE_TYPES = ("image/jpeg", "image/png")
THUMB_SIZES = ("small", "large")

_NEW_FILES = "rephome_new_upload_keys"
_DOOMED_FILES = "rephome_doomed_upload_keys"
_COMMIT_TRIED = "rephome_commit_tried"


def upload_dir() -> str:
    path = current_app.config["UPLOAD_DIR"]
    os.makedirs(path, exist_ok=True)
    return path


def path_of(attachment: Attachment) -> str:
    """Where the attachment's bytes are on disk (the local store only)."""
    return os.path.join(current_app.config["UPLOAD_DIR"], attachment.stored_name)


def send(attachment: Attachment, *, as_attachment: bool):
    """The attachment's bytes as a response, from whichever store keeps them (404 if missing)."""
    return get_storage().send(attachment.stored_name, mimetype=attachment.content_type,
                              as_attachment=as_attachment, download_name=attachment.filename)


def clean_filename(name: str | None) -> str:
    """The file's own name (no directories, no control characters), at most 255 characters; a
    percent-encoded name (`%E6%B4%BB…`, `image%3A1641`) decoded first when it is valid UTF-8."""
    name = name or ""
    if "%" in name:
        with contextlib.suppress(UnicodeDecodeError):
            name = unquote(name, errors="strict")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-255:] or "file"


def _read(stream) -> bytes:
    """At most MAX_SIZE + 1 bytes: enough to tell that a file is too large."""
    if hasattr(stream, "seek"):
        with contextlib.suppress(OSError, ValueError):
            stream.seek(0)
    return stream.read(MAX_SIZE + 1)


def _extension(filename: str) -> str:
    return filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


def check_content(filename: str, data: bytes) -> tuple[str | None, str | None]:
    """(content type, None) when the file is acceptable, else (None, the Chinese reason).

    The type is the content's (image/heic and image/heif included: converted at upload); a name
    whose extension is one of these types but not the content's is refused, any other name is
    accepted (named_for_content gives it the right extension)."""
    if not data:
        return None, f"附件“{filename}”是空文件"
    if len(data) > MAX_SIZE:
        return None, f"附件“{filename}”超过10 MB"
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else None
    if mime not in ALLOWED and mime not in _CONVERTED:
        return None, f"附件“{filename}”的内容不是 JPG、PNG、PDF 或 HEIC 文件"
    ext = _extension(filename)
    if ext in _KNOWN_EXT and ext not in ALLOWED.get(mime, _CONVERTED.get(mime, ())):
        shown = _STORED_EXT.get(mime, "heic").upper()
        return None, (f"附件“{filename}”的扩展名与内容不符（内容为 {shown}），"
                      "请使用正确的扩展名")
    return mime, None


def named_for_content(filename: str, stored_mime: str) -> str:
    """The name with the extension of what is stored: kept when it already agrees, replaced for
    a converted HEIC, appended when there was none (or an unknown one)."""
    ext = _extension(filename)
    if ext in ALLOWED[stored_mime]:
        return filename
    if ext in _KNOWN_EXT:
        filename = filename[: -len(ext) - 1] or "photo"
    return f"{filename}.{_STORED_EXT[stored_mime]}"[-255:]


def validate_files(files, existing_count: int, errors: Collector) -> list[tuple]:
    """Read, check and prepare uploaded files; [(filename, content_type, data, photo)] of the
    acceptable ones (`photo` the prepared photos.Photo of an image, else None).

    `files` are objects with `.filename` and `.stream` (werkzeug FileStorage) or (name, bytes)
    pairs; empty file inputs (no filename) are skipped.
    """
    accepted = []
    items = []
    for item in files or ():
        if isinstance(item, tuple):
            name, data = item
        else:
            name = getattr(item, "filename", None)
            if not name:
                continue
            data = _read(item.stream)
        items.append((clean_filename(name), data))
    if not items:
        return accepted
    if existing_count + len(items) > MAX_PER_ACTIVITY:
        errors.add(FIELD, f"每个活动最多{MAX_PER_ACTIVITY}个附件（已有{existing_count}个，"
                          f"本次上传{len(items)}个）")
        return accepted  # nothing more is decoded for a request that is refused anyway
    for name, data in items:
        mime, problem = check_content(name, data)
        photo = None
        if not problem and (mime in IMAGE_TYPES or mime in HEIF_TYPES):
            try:
                photo = prepare(data, mime)
            except PhotoRefused as refused:
                problem = f"附件“{name}”{refused}"
            else:
                mime, data = photo.mime, photo.data
                if len(data) > MAX_SIZE:
                    problem = f"附件“{name}”转换后超过10 MB"
        if problem:
            errors.add(FIELD, problem)
        else:
            accepted.append((named_for_content(name, mime), mime, data, photo))
    return accepted


def thumbnail_keys(stored_name: str) -> dict[str, str]:
    """Where an image's thumbnails are stored, by size ("small", "large")."""
    stem = stored_name.rsplit(".", 1)[0]
    return {size: f"thumbs/{stem}-{size}.jpg" for size in THUMB_SIZES}


def stored_keys(attachment: Attachment) -> list[str]:
    """Every key the attachment's files are stored under (the original, an image's thumbnails)."""
    keys = [attachment.stored_name]
    if attachment.content_type in IMAGE_TYPES:
        keys += thumbnail_keys(attachment.stored_name).values()
    return keys


def store(activity, checked: list[tuple], actor) -> list[Attachment]:
    """Save checked files to the store and add their rows; files go away again on rollback.

    Raises StorageError when the store cannot be written (the caller's transaction then rolls
    back and removes what was already saved).
    """
    storage = get_storage()
    created = []
    for name, mime, data, photo in checked:
        stored_name = new_stored_name(mime)
        save_new_files(storage, stored_name, data, mime, photo)
        attachment = Attachment(activity=activity, filename=name, stored_name=stored_name,
                                content_type=mime, size=len(data),
                                uploaded_by_id=getattr(actor, "id", None))
        db.session.add(attachment)
        created.append(attachment)
    db.session.flush()
    return created


def new_stored_name(mime: str) -> str:
    """A fresh random key for a file of content type `mime` (jpg, png or pdf)."""
    return f"{secrets.token_hex(16)}.{_STORED_EXT[mime]}"


def save_new_files(storage, stored_name: str, data: bytes, mime: str, photo=None) -> None:
    """Write a file (and, for a prepared photo, its two thumbnails) under `stored_name` in this
    transaction: removed again if it is rolled back for certain (see the module's docstring).
    StorageError when the store cannot be written."""
    new_keys = db.session.info.setdefault(_NEW_FILES, [])
    new_keys.append((storage, stored_name))
    storage.save(stored_name, data, content_type=mime)
    if photo is not None:
        keys = thumbnail_keys(stored_name)
        for size, thumb in (("small", photo.small), ("large", photo.large)):
            new_keys.append((storage, keys[size]))
            storage.save(keys[size], thumb, content_type="image/jpeg")


def remove_files_after_commit(attachments) -> None:
    """Schedule the files of deleted attachments for removal once the deletion is committed."""
    storage = get_storage()
    doomed = db.session.info.setdefault(_DOOMED_FILES, [])
    for attachment in attachments:
        doomed.extend((storage, key) for key in stored_keys(attachment))


def delete_attachment(attachment: Attachment) -> None:
    """Delete one attachment row; its file is removed after commit."""
    remove_files_after_commit([attachment])
    db.session.delete(attachment)
    db.session.flush()


def count_for(activity_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Attachment.id)).where(
        Attachment.activity_id == activity_id)) or 0


def _unlink(entries) -> None:
    """Remove (store, key) pairs; a store that fails leaves an orphan file, logged, never an error."""
    for storage, key in entries:
        try:
            storage.delete(key)
        except (StorageError, OSError) as exc:
            log.warning("could not remove stored file %s: %s", key, exc)


@sa.event.listens_for(Session, "before_commit")
def _before_commit(session):
    # From here on a failure leaves the outcome unknown: the COMMIT may have reached the database.
    session.info[_COMMIT_TRIED] = True


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop(_NEW_FILES, None)  # kept for good
    _unlink(session.info.pop(_DOOMED_FILES, []))


@sa.event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction):
    if transaction.parent is not None:  # a savepoint: the outer transaction decides
        return
    new_files = session.info.pop(_NEW_FILES, [])
    commit_tried = session.info.pop(_COMMIT_TRIED, False)
    session.info.pop(_DOOMED_FILES, None)
    if not commit_tried:
        _unlink(new_files)  # rolled back for certain: nothing may stay behind
    elif new_files:
        # A commit that failed may still have been committed (a connection cut at COMMIT): a row
        # may refer to these files, so they stay; `flask storage check` finds them if orphans.
        log.warning("commit outcome unknown: kept %d new stored files", len(new_files))
