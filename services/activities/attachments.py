"""Activity attachments: jpg/png/pdf checked by content, ≤10 MB each, ≤10 per activity.

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

import filetype
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from extensions import db
from models import Attachment
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
    """The file's own name (no directories, no control characters), at most 255 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-255:] or "file"


def _read(stream) -> bytes:
    """At most MAX_SIZE + 1 bytes: enough to tell that a file is too large."""
    if hasattr(stream, "seek"):
        with contextlib.suppress(OSError, ValueError):
            stream.seek(0)
    return stream.read(MAX_SIZE + 1)


def check_content(filename: str, data: bytes) -> tuple[str | None, str | None]:
    """(content_type, None) when the file is acceptable, else (None, the Chinese reason)."""
    if not data:
        return None, f"附件“{filename}”是空文件"
    if len(data) > MAX_SIZE:
        return None, f"附件“{filename}”超过10 MB"
    kind = filetype.guess(data)
    mime = kind.mime if kind is not None else None
    if mime not in ALLOWED:
        return None, f"附件“{filename}”的内容不是 JPG、PNG 或 PDF 文件"
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in ALLOWED[mime]:
        return None, (f"附件“{filename}”的扩展名与内容不符（内容为 {_STORED_EXT[mime].upper()}），"
                      "请使用正确的扩展名")
    return mime, None


def validate_files(files, existing_count: int, errors: Collector) -> list[tuple[str, str, bytes]]:
    """Read and check uploaded files; [(filename, content_type, data)] of the acceptable ones.

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
    for name, data in items:
        mime, problem = check_content(name, data)
        if problem:
            errors.add(FIELD, problem)
        else:
            accepted.append((name, mime, data))
    return accepted


def store(activity, checked: list[tuple[str, str, bytes]], actor) -> list[Attachment]:
    """Save checked files to the store and add their rows; files go away again on rollback.

    Raises StorageError when the store cannot be written (the caller's transaction then rolls
    back and removes what was already saved).
    """
    storage = get_storage()
    created = []
    new_keys = db.session.info.setdefault(_NEW_FILES, [])
    for name, mime, data in checked:
        stored_name = f"{secrets.token_hex(16)}.{_STORED_EXT[mime]}"
        new_keys.append((storage, stored_name))
        storage.save(stored_name, data, content_type=mime)
        attachment = Attachment(activity=activity, filename=name, stored_name=stored_name,
                                content_type=mime, size=len(data),
                                uploaded_by_id=getattr(actor, "id", None))
        db.session.add(attachment)
        created.append(attachment)
    db.session.flush()
    return created


def remove_files_after_commit(attachments) -> None:
    """Schedule the files of deleted attachments for removal once the deletion is committed."""
    storage = get_storage()
    doomed = db.session.info.setdefault(_DOOMED_FILES, [])
    for attachment in attachments:
        doomed.append((storage, attachment.stored_name))


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
