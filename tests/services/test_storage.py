"""Stored files on both stores (the local folder and a real S3 server, SeaweedFS): round trip,
delete, missing keys, bad keys, and attachments uploaded and downloaded through the API and pages."""
import io
import os
import tempfile

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from extensions import db
from models import Attachment
from services import activities as service
from services import storage as st
from tests.conftest import make_app
from tests.services.test_attachments import PDF, PNG, payload
from tests.support import factories as f


@pytest.fixture(params=["local", "s3"])
def store(request, app):
    """The app's store for one test: a fresh folder, or a fresh bucket on the S3 server."""
    if request.param == "local":
        new = st.LocalStorage(tempfile.mkdtemp(prefix="rephome-store-"))
    else:
        server = request.getfixturevalue("s3_server")
        new = st.S3Storage(server.endpoint, server.new_bucket(), server.access_key,
                           server.secret_key, server.region)
    st.set_storage(app, new)
    yield new
    st.set_storage(app, None)


def test_round_trip_bytes_and_stream(store):
    store.save("a.pdf", PDF, content_type="application/pdf")
    store.save("thumbs/b.png", io.BytesIO(PNG), content_type="image/png")
    assert store.read("a.pdf") == PDF
    with store.open("thumbs/b.png") as fh:
        assert fh.read() == PNG
    assert store.exists("a.pdf") and store.exists("thumbs/b.png")
    assert sorted(store.iter_keys()) == ["a.pdf", "thumbs/b.png"]
    store.save("a.pdf", b"%PDF-1.4 second")  # saving again replaces the whole object
    assert store.read("a.pdf") == b"%PDF-1.4 second"


def test_ten_megabytes_round_trip(store):
    data = os.urandom(10 * 1024 * 1024)
    store.save("big.jpg", data)
    assert store.read("big.jpg") == data


def test_delete(store):
    store.save("a.pdf", PDF)
    store.delete("a.pdf")
    assert not store.exists("a.pdf") and list(store.iter_keys()) == []
    store.delete("a.pdf")  # deleting an absent key is not an error


def test_missing_key(store):
    assert not store.exists("nothing.pdf")
    with pytest.raises(st.MissingObject):
        store.read("nothing.pdf")
    with pytest.raises(FileNotFoundError):  # MissingObject is a FileNotFoundError too
        store.open("nothing.pdf")
    with pytest.raises(NotFound):
        store.send("nothing.pdf", mimetype="application/pdf")


@pytest.mark.parametrize("key", ["../etc/passwd", "/abs.pdf", "a//b.pdf", "", ".hidden",
                                 "a/../b.pdf", "a b.pdf", "a\\b.pdf", "x" * 600])
def test_bad_keys_are_refused(store, key):
    with pytest.raises(ValueError):
        store.save(key, PDF)
    with pytest.raises(ValueError):
        store.exists(key)


def test_a_failed_save_leaves_nothing(store):
    class Broken(io.BytesIO):
        def read(self, *args):
            raise OSError("disk gone")
    with pytest.raises(OSError):
        store.save("a.pdf", Broken())
    assert list(store.iter_keys()) == []


# ------------------------------------------------------------------ attachments on both stores

def test_attachment_upload_api_and_download_page(world, api, login, store):
    activity = f.activity(world.rep_a)
    db.session.commit()
    resp = api(world.rep_a).client.post(
        f"/api/v1/activities/{activity.id}/attachments", headers=api(world.rep_a)._headers(),
        data={"files": [(io.BytesIO(PDF), "签到表.pdf"), (io.BytesIO(PNG), "现场.png")]},
        content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    pdf_id, png_id = (item["id"] for item in resp.get_json())
    pdf = db.session.get(Attachment, pdf_id)
    assert store.read(pdf.stored_name) == PDF
    assert sorted(store.iter_keys()) == sorted(key for a in activity.attachments
                                               for key in service.stored_keys(a))

    page = login(world.manager_a).get(f"/me/attachments/{pdf_id}")
    assert page.status_code == 200 and page.data == PDF
    assert page.headers["Content-Type"] == "application/pdf"
    assert page.headers["Content-Disposition"].startswith("attachment")
    assert page.headers["Content-Length"] == str(len(PDF))
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Cache-Control"] == "private, no-store"
    image = login(world.rep_a).get(f"/me/attachments/{png_id}")
    assert image.data == PNG and image.headers["Content-Disposition"].startswith("inline")
    assert login(world.rep_b).get(f"/me/attachments/{pdf_id}").status_code == 404


def test_attachment_upload_through_the_form(world, login, store):
    resp = login(world.rep_a).post("/me/activities/new", data={
        **payload(), "action": "submit", "attachments": [(io.BytesIO(PNG), "现场.png")],
    }, content_type="multipart/form-data")
    assert resp.status_code == 302
    item = db.session.scalar(sa.select(Attachment))
    assert store.read(item.stored_name) == PNG


def test_attachment_whose_file_is_gone_answers_404(world, login, store):
    activity = service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF)])
    db.session.commit()
    (item,) = activity.attachments
    store.delete(item.stored_name)
    assert login(world.rep_a).get(f"/me/attachments/{item.id}").status_code == 404


def test_rollback_removes_and_delete_after_commit(world, store):
    service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF), ("b.png", PNG)])
    assert len(list(store.iter_keys())) == 4  # written (the photo with 2 thumbnails), uncommitted
    db.session.rollback()
    assert list(store.iter_keys()) == []
    activity = service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF)])
    db.session.commit()
    service.delete_activity(world.rep_a, activity)
    assert len(list(store.iter_keys())) == 1  # still there until the delete is committed
    db.session.commit()
    assert list(store.iter_keys()) == []


# ------------------------------------------------------------------ the settings choose the store

def test_settings_choose_the_store(s3_server, tmp_path):
    local = st.storage_from_config({"STORAGE_URL": "", "UPLOAD_DIR": str(tmp_path)})
    assert isinstance(local, st.LocalStorage) and local.root == str(tmp_path)
    bucket = s3_server.new_bucket()
    app = make_app(UPLOAD_DIR=str(tmp_path / "unused"), **s3_server.settings(bucket))
    with app.app_context():
        store = st.get_storage()
        assert isinstance(store, st.S3Storage) and store.bucket == bucket
        assert st.get_storage() is store  # built once
        store.save("x.pdf", PDF)
    assert s3_server.client().get_object(Bucket=bucket, Key="x.pdf")["Body"].read() == PDF
    assert not (tmp_path / "unused").exists()


def test_wrong_credentials_and_unreachable_store_raise_storage_error(s3_server):
    bucket = s3_server.new_bucket()
    wrong = st.S3Storage(s3_server.endpoint, bucket, s3_server.access_key, "wrong-secret")
    with pytest.raises(st.StorageError) as info:
        wrong.save("a.pdf", PDF)
    assert not isinstance(info.value, st.MissingObject)
    gone = st.S3Storage("http://127.0.0.1:1", bucket, "k", "s")
    with pytest.raises(st.StorageError):
        gone.exists("a.pdf")


# ------------------------------------------------------------------ flask storage check | export | import

def test_export_and_import_round_trip(app, store, tmp_path):
    store.save("a1.pdf", PDF)
    store.save("thumbs/b2.png", PNG)
    runner = app.test_cli_runner()
    out = runner.invoke(args=["storage", "export", str(tmp_path / "backup")])
    assert out.exit_code == 0, out.output
    assert f"已导出 2 个文件（{len(PDF) + len(PNG)} 字节）" in out.output
    assert (tmp_path / "backup" / "thumbs" / "b2.png").read_bytes() == PNG
    for key in list(store.iter_keys()):
        store.delete(key)
    (tmp_path / "backup" / "bad name.pdf").write_bytes(PDF)  # not a valid key: skipped, said so
    out = runner.invoke(args=["storage", "import", str(tmp_path / "backup")])
    assert out.exit_code == 0, out.output
    assert "已导入 2 个文件" in out.output and "跳过 bad name.pdf" in out.output
    assert sorted(store.iter_keys()) == ["a1.pdf", "thumbs/b2.png"]
    assert store.read("a1.pdf") == PDF and store.read("thumbs/b2.png") == PNG


def test_check_command(app, store, world):
    activity = service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF), ("b.png", PNG)])
    db.session.commit()
    out = app.test_cli_runner().invoke(args=["storage", "check"])
    assert out.exit_code == 0 and "存储可用" in out.output, out.output
    assert "附件 2 个，文件缺失 0 个" in out.output
    assert len(list(store.iter_keys())) == 4  # the probe is removed again (2 files, 2 thumbnails)
    gone = activity.attachments[0].stored_name
    store.delete(gone)
    out = app.test_cli_runner().invoke(args=["storage", "check"])
    assert out.exit_code == 1 and "文件缺失 1 个" in out.output and gone in out.output


def test_check_command_reports_an_unreachable_store(app):
    st.set_storage(app, st.S3Storage("http://127.0.0.1:1", "rephome", "k", "s"))
    try:
        out = app.test_cli_runner().invoke(args=["storage", "check"])
    finally:
        st.set_storage(app, None)
    assert out.exit_code == 1 and "存储不可用" in out.output and "127.0.0.1:1" in out.output


def test_upload_while_the_store_is_unreachable_answers_503_and_writes_nothing(app, world, api, login):
    activity = f.activity(world.rep_a)
    db.session.commit()
    st.set_storage(app, st.S3Storage("http://127.0.0.1:1", "rephome", "k", "s"))
    try:
        client = api(world.rep_a)
        resp = client.client.post(f"/api/v1/activities/{activity.id}/attachments",
                                  headers=client._headers(),
                                  data={"files": [(io.BytesIO(PDF), "a.pdf")]},
                                  content_type="multipart/form-data")
        assert resp.status_code == 503
        assert resp.get_json()["error"]["code"] == "service_unavailable"
        assert resp.get_json()["error"]["message"] == "文件存储暂时不可用，请稍后再试"
        page = login(world.rep_a).post("/me/activities/new", data={
            **payload(), "action": "submit", "attachments": [(io.BytesIO(PNG), "现场.png")],
        }, content_type="multipart/form-data")
        assert page.status_code == 503 and "文件存储暂时不可用" in page.get_data(as_text=True)
    finally:
        st.set_storage(app, None)
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(
        sa.text("activities"))) == 1  # the form's new activity was not half-written
