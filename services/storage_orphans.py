"""Orphan files: stored files that no committed row refers to (SPEC §10 "nothing lost").

A file is written before its row is committed, and a failed COMMIT leaves its outcome unknown, so
the app never deletes a new file on such a failure (services/activities/attachments.py). What stays
behind without a row is found here, by `flask storage check`, and removed by its --remove-orphans
— only once older than STORAGE_ORPHAN_GRACE_HOURS, so an upload still in flight (file written, row
not yet committed) is never taken for an orphan.
"""
import datetime as dt
import os
from types import SimpleNamespace

from extensions import db
from models import Attachment
from services import activities

#: Keys of the write probes (/healthz, `flask storage check`): never rows, never orphans.
PROBE_PREFIXES = ("rephome-health-probe-", "rephome-storage-check")


def referenced_keys() -> set[str]:
    """Every stored key a committed row refers to: each attachment's file and, for an image, the
    thumbnails made at upload (services.activities.stored_keys)."""
    keys: set[str] = set()
    for stored_name, content_type in db.session.execute(
            db.select(Attachment.stored_name, Attachment.content_type)):
        keys.update(activities.stored_keys(
            SimpleNamespace(stored_name=stored_name, content_type=content_type)))
    return keys


def modified_at(store, key: str) -> dt.datetime:
    """When the stored object `key` was last written (timezone-aware UTC)."""
    if store.kind == "s3":
        return store._call("head_object", key)["LastModified"].astimezone(dt.UTC)
    return dt.datetime.fromtimestamp(os.path.getmtime(store.path(key)), dt.UTC)


def find_orphans(store, *, grace_hours: float, now: dt.datetime | None = None,
                 keys=None) -> list[tuple[str, dt.datetime]]:
    """[(key, written at)] of stored files no row refers to, written more than `grace_hours` ago.

    `keys` are the store's keys when the caller has listed them already. Raises StorageError when
    the store cannot be listed.
    """
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - dt.timedelta(hours=grace_hours)
    referenced = referenced_keys()
    orphans = []
    for key in sorted(store.iter_keys() if keys is None else keys):
        if key in referenced or key.startswith(PROBE_PREFIXES):
            continue
        try:
            written = modified_at(store, key)
        except FileNotFoundError:  # removed meanwhile
            continue
        if written <= cutoff:
            orphans.append((key, written))
    return orphans


def remove_orphans(store, orphans) -> int:
    """Delete the given orphans unless a row has come to refer to one meanwhile; how many were deleted."""
    referenced = referenced_keys()
    removed = 0
    for key, _written in orphans:
        if key in referenced:
            continue
        store.delete(key)
        removed += 1
    return removed
