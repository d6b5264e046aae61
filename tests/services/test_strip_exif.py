"""`flask storage strip-exif`: photo originals stored with EXIF (GPS) before it was stripped at
upload are rewritten without it, upright, on both stores; new file first, row switched, old file
deleted after the commit; never a lost file; running it again changes nothing."""
import io

import pytest
from PIL import Image

from extensions import db
from models import Attachment
from services import storage as st
from services.activities import stored_keys
from tests.services.test_attachments import PDF
from tests.services.test_phone_photos import jpeg_with_gps
from tests.services.test_storage import store  # noqa: F401  (the local and the S3 store)
from tests.support import bombs
from tests.support import factories as f


def stored_before_stripping(world, store, name, data, mime):  # noqa: F811 (not the fixture)
    """An attachment row and its original as uploads left them before metadata was stripped."""
    activity = f.activity(world.rep_a)
    ext = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}[mime]
    key = f"{name:0<32}.{ext}"
    store.save(key, data, content_type=mime)
    attachment = Attachment(activity=activity, filename=f"{name}.{ext}", stored_name=key,
                            content_type=mime, size=len(data), uploaded_by_id=world.rep_a.id)
    db.session.add(attachment)
    db.session.commit()
    return attachment


def run(app):
    return app.test_cli_runner().invoke(args=["storage", "strip-exif"])


def test_gps_is_removed_from_stored_originals_safely_and_once(app, world, store):  # noqa: F811
    phone = stored_before_stripping(world, store, "a1", jpeg_with_gps(), "image/jpeg")
    clean = stored_before_stripping(world, store, "b2", bombs.small_png(), "image/png")
    pdf = stored_before_stripping(world, store, "c3", PDF, "application/pdf")
    old_key, clean_key = phone.stored_name, clean.stored_name
    assert Image.open(io.BytesIO(store.read(old_key))).getexif().get_ifd(0x8825)  # GPS is there

    out = run(app)
    assert out.exit_code == 0, out.output
    assert "已去除 1 个，本无元数据 1 个，无法处理 0 个" in out.output
    db.session.expire_all()
    phone = db.session.get(Attachment, phone.id)
    assert phone.stored_name != old_key and phone.stored_name.endswith(".jpg")
    data = store.read(phone.stored_name)
    with Image.open(io.BytesIO(data)) as img:
        assert not img.getexif() and "exif" not in img.info
        assert img.size == (40, 60)  # turned upright
    assert phone.size == len(data)
    keys = set(store.iter_keys())
    assert set(stored_keys(phone)) <= keys  # the clean original and its two thumbnails
    assert old_key not in keys  # the old one went after the commit
    assert db.session.get(Attachment, clean.id).stored_name == clean_key
    assert store.read(clean_key) == bombs.small_png()
    assert store.read(db.session.get(Attachment, pdf.id).stored_name) == PDF

    again = run(app)  # idempotent
    assert again.exit_code == 0 and "已去除 0 个，本无元数据 2 个" in again.output, again.output
    assert set(store.iter_keys()) == keys


def test_a_store_that_fails_mid_way_loses_nothing(app, world, store, monkeypatch):  # noqa: F811
    phone = stored_before_stripping(world, store, "d4", jpeg_with_gps(), "image/jpeg")
    old_key, before = phone.stored_name, set(store.iter_keys())
    real_save, calls = type(store).save, []

    def failing_save(self, key, data, content_type=None):
        calls.append(key)
        if len(calls) == 2:  # the new original is written, its first thumbnail is not
            raise st.StorageError("disk full")
        return real_save(self, key, data, content_type=content_type)

    monkeypatch.setattr(type(store), "save", failing_save)
    out = run(app)
    assert out.exit_code == 1 and "存储不可用" in out.output
    monkeypatch.undo()
    db.session.expire_all()
    assert db.session.get(Attachment, phone.id).stored_name == old_key  # the row never switched
    assert set(store.iter_keys()) == before  # the old file kept, the half-written new one removed
    assert Image.open(io.BytesIO(store.read(old_key))).getexif().get_ifd(0x8825)

    out = run(app)  # once the store is back, the same command finishes the job
    assert out.exit_code == 0 and "已去除 1 个" in out.output, out.output


@pytest.mark.parametrize("broken", [b"\xff\xd8\xff\xe0 not really a jpeg"])
def test_an_unreadable_original_is_named_and_kept(app, world, store, broken):  # noqa: F811
    item = stored_before_stripping(world, store, "e5", broken, "image/jpeg")
    out = run(app)
    assert out.exit_code == 0 and "无法处理 1 个" in out.output and f"附件 {item.id}" in out.output
    assert store.read(item.stored_name) == broken
