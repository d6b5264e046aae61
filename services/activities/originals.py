"""Stored photo originals made safe after the fact: the EXIF (GPS) of photos uploaded before
metadata was stripped at upload is removed, the orientation applied (`flask storage strip-exif`).

Never loses a file: the clean original and its thumbnails are written under a new key first, the
attachment row is switched to it (row locked) in the caller's transaction, and the old files are
deleted only after that commit (services/activities/attachments.py's hooks; a rolled-back switch
removes the new files, an uncertain commit keeps both and `flask storage check` finds the
orphan). A photo with nothing to strip is left as it is, so running it again changes nothing.
Works on whichever store the settings choose.
"""
from extensions import db
from models import Attachment
from services.activities.attachments import (
    IMAGE_TYPES,
    MAX_SIZE,
    new_stored_name,
    remove_files_after_commit,
    save_new_files,
)
from services.activities.photos import PhotoRefused, prepare
from services.storage import get_storage


def strip_stored_metadata(attachment: Attachment) -> str:
    """Rewrite an image attachment's stored original without metadata, upright.

    Returns "stripped" (switched to a clean original; the caller commits), "clean" (nothing to
    strip), "skipped" (not an image), or the Chinese reason it cannot be done (file missing,
    unreadable, over 40 megapixels, over 10 MB once rewritten). StorageError when the store is down.
    """
    if attachment.content_type not in IMAGE_TYPES:
        return "skipped"
    db.session.refresh(attachment, with_for_update=True)  # nobody switches or deletes it meanwhile
    store = get_storage()
    try:
        data = store.read(attachment.stored_name)
    except FileNotFoundError:
        return "原文件不存在"
    try:
        photo = prepare(data, attachment.content_type)
    except PhotoRefused as refused:
        return str(refused)
    if photo.data is data:  # no metadata and upright: prepare kept it byte for byte
        return "clean"
    if len(photo.data) > MAX_SIZE:
        return "去除元数据后超过10 MB"
    new_name = new_stored_name(attachment.content_type)
    save_new_files(store, new_name, photo.data, attachment.content_type, photo)
    remove_files_after_commit([attachment])  # the old original and thumbnails, once committed
    attachment.stored_name = new_name
    attachment.size = len(photo.data)
    db.session.flush()
    return "stripped"
