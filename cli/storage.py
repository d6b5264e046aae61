"""`flask storage check | export DIR | import DIR | thumbnails | strip-exif`: back up, restore or
move the stored files; make the thumbnails of photos stored before thumbnails were made at upload;
remove the EXIF (GPS) of photo originals stored before it was removed at upload.

Works on whichever store the settings choose (UPLOAD_DIR or the S3-compatible STORAGE_URL), so the
same two commands back up a bucket to a folder, restore it, or move UPLOAD_DIR into a bucket.
"""
import os

import click
from flask import current_app
from flask.cli import with_appcontext

from extensions import db
from models import Attachment
from services import storage_orphans
from services.storage import LocalStorage, StorageError, get_storage


@click.group("storage")
def storage_group():
    """Stored files (attachments): check the store, export to or import from a folder."""


def _store():
    return get_storage()


def _where(store) -> str:
    return f"对象存储 {store.endpoint} 桶 {store.bucket}" if store.kind == "s3" else f"目录 {store.root}"


@storage_group.command("check")
@click.option("--remove-orphans", is_flag=True,
              help="删除孤立文件（没有任何记录引用、且早于 STORAGE_ORPHAN_GRACE_HOURS 的文件）")
@with_appcontext
def check_command(remove_orphans):
    """Is the store reachable and writable, has every attachment its file, which files are orphans?

    Orphans are stored files no row refers to, older than STORAGE_ORPHAN_GRACE_HOURS (younger ones
    may be uploads in flight); they are listed, and deleted with --remove-orphans.
    """

    store = _store()
    key = "rephome-storage-check.txt"
    try:
        store.save(key, b"ok", content_type="text/plain")
        ok = store.read(key) == b"ok"
        store.delete(key)
        stored = set(store.iter_keys())
    except StorageError as exc:
        raise click.ClickException(f"存储不可用（{_where(store)}）：{exc}") from None
    if not ok:
        raise click.ClickException(f"存储读回的内容不一致（{_where(store)}）")
    names = list(db.session.scalars(db.select(Attachment.stored_name)))
    missing = [name for name in names if name not in stored]
    click.echo(f"存储可用：{_where(store)}；附件 {len(names)} 个，文件缺失 {len(missing)} 个")
    grace = float(current_app.config.get("STORAGE_ORPHAN_GRACE_HOURS", 24))
    try:
        orphans = storage_orphans.find_orphans(store, grace_hours=grace, keys=stored)
        removed = storage_orphans.remove_orphans(store, orphans) if remove_orphans else 0
    except StorageError as exc:
        raise click.ClickException(f"存储不可用（{_where(store)}）：{exc}") from None
    click.echo(f"孤立文件（无记录引用，早于 {grace:g} 小时）{len(orphans)} 个"
               + (f"，已删除 {removed} 个" if remove_orphans else ""))
    for key, written in orphans[:100]:
        click.echo(f"  {key}  {written:%Y-%m-%d %H:%M} UTC")
    if missing:
        raise click.ClickException("缺失的文件：" + "、".join(missing[:20]))


@storage_group.command("export")
@click.argument("folder", type=click.Path(file_okay=False))
@with_appcontext
def export_command(folder):
    """Copy every stored object into FOLDER (key a/b.pdf → FOLDER/a/b.pdf)."""
    store = _store()
    count = size = 0
    for key in store.iter_keys():
        target = os.path.join(folder, *key.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        data = store.read(key)
        with open(target, "wb") as fh:
            fh.write(data)
        count += 1
        size += len(data)
    click.echo(f"已导出 {count} 个文件（{size} 字节）：{_where(store)} → {folder}")


@storage_group.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def import_command(folder):
    """Store every file under FOLDER under its relative path (existing objects are replaced)."""

    store = _store()
    source = LocalStorage(folder)
    count = size = 0
    for key in source.iter_keys():
        try:
            with source.open(key) as fh:
                store.save(key, fh)
        except ValueError:
            click.echo(f"跳过 {key}：文件名只能含字母、数字和 . _ - /", err=True)
            continue
        count += 1
        size += os.path.getsize(source.path(key))
    click.echo(f"已导入 {count} 个文件（{size} 字节）：{folder} → {_where(store)}")


@storage_group.command("thumbnails")
@click.option("--replace", is_flag=True, help="也重做已有的缩略图")
@with_appcontext
def thumbnails_command(replace):
    """Store the thumbnails of every photo attachment that has none (files stored before
    thumbnails were made at upload); prints how many were made and which could not be."""
    from extensions import db
    from models import Attachment
    from services import activities

    photos = db.select(Attachment).where(Attachment.content_type.in_(("image/jpeg", "image/png")))
    counts = {"made": 0, "present": 0}
    failed = []
    for attachment in db.session.scalars(photos.order_by(Attachment.id)).yield_per(100):
        outcome = activities.make_thumbnails(attachment, replace=replace)
        if outcome in counts:
            counts[outcome] += 1
        else:
            failed.append(f"附件 {attachment.id}（{attachment.filename}）：{outcome}")
    click.echo(f"缩略图：新做 {counts['made']} 个附件，已有 {counts['present']} 个，"
               f"无法制作 {len(failed)} 个")
    for line in failed[:50]:
        click.echo(line, err=True)


@storage_group.command("strip-exif")
@with_appcontext
def strip_exif_command():
    """Rewrite every stored photo original that still carries EXIF, XMP or text metadata (GPS)
    without it, turned upright, with new thumbnails; prints how many were rewritten, how many
    were clean already and which could not be. Safe to stop and to run again: each photo is
    written anew first, its row switched and committed, and only then the old file deleted."""
    from services import activities

    ids = list(db.session.scalars(
        db.select(Attachment.id).where(Attachment.content_type.in_(("image/jpeg", "image/png")))
        .order_by(Attachment.id)))
    counts = {"stripped": 0, "clean": 0}
    failed = []
    for attachment_id in ids:
        attachment = db.session.get(Attachment, attachment_id)
        if attachment is None:  # deleted meanwhile
            continue
        try:
            outcome = activities.strip_stored_metadata(attachment)
            db.session.commit()
        except StorageError as exc:
            db.session.rollback()
            raise click.ClickException(
                f"存储不可用（{_where(_store())}）：{exc}；已处理的照片不受影响，可再次运行") from None
        if outcome in counts:
            counts[outcome] += 1
        elif outcome != "skipped":
            failed.append(f"附件 {attachment_id}（{attachment.filename}）：{outcome}")
    click.echo(f"照片原件元数据：已去除 {counts['stripped']} 个，本无元数据 {counts['clean']} 个，"
               f"无法处理 {len(failed)} 个")
    for line in failed[:50]:
        click.echo(line, err=True)
