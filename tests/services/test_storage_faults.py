"""A full or read-only upload folder answers 503 with nothing half-written, and /healthz says so,
within its time box (SPEC §10). Tests run as root, where chmod stops no write: the write itself is
made to fail with the errors a full or read-only disk gives."""
import errno
import io
import tempfile
import time

import pytest
import sqlalchemy as sa

from extensions import db
from models import Attachment
from services import health
from services import storage as st
from tests.services.test_attachments import PDF, PNG, payload
from tests.support import factories as f


@pytest.fixture()
def store(app):
    new = st.LocalStorage(tempfile.mkdtemp(prefix="rephome-faults-"))
    st.set_storage(app, new)
    yield new
    st.set_storage(app, None)


def _refuse_writes(monkeypatch, code):
    def refuse(*args, **kwargs):
        raise OSError(code, "simulated: " + errno.errorcode[code])
    monkeypatch.setattr(st.tempfile, "mkstemp", refuse)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_folder_that_refuses_writes_raises_store_not_writable(store, monkeypatch, code):
    _refuse_writes(monkeypatch, code)
    with pytest.raises(st.StoreNotWritable) as info:
        store.save("a.pdf", PDF)
    assert info.value.status == 503 and info.value.code == "service_unavailable"
    assert list(store.iter_keys()) == []


def test_a_full_disk_mid_write_leaves_no_partial_file(store, monkeypatch):
    class FullDisk(io.BytesIO):
        def read(self, *args):
            raise OSError(errno.ENOSPC, "No space left on device")
    with pytest.raises(st.StoreNotWritable):
        store.save("a.pdf", FullDisk())
    assert list(store.iter_keys()) == [] and not list(__import__("os").scandir(store.root))


def test_upload_to_a_full_folder_answers_503_and_writes_nothing(world, api, login, store, monkeypatch):
    activity = f.activity(world.rep_a)
    db.session.commit()
    _refuse_writes(monkeypatch, errno.ENOSPC)
    client = api(world.rep_a)
    resp = client.client.post(f"/api/v1/activities/{activity.id}/attachments",
                              headers=client._headers(),
                              data={"files": [(io.BytesIO(PDF), "a.pdf")]},
                              content_type="multipart/form-data")
    assert resp.status_code == 503, resp.get_json()
    assert resp.get_json()["error"]["code"] == "service_unavailable"
    assert resp.get_json()["error"]["message"] == "文件存储暂时不可用，请稍后再试"
    page = login(world.rep_a).post("/me/activities/new", data={
        **payload(), "action": "submit", "attachments": [(io.BytesIO(PNG), "现场.png")],
    }, content_type="multipart/form-data")
    assert page.status_code == 503 and "文件存储暂时不可用" in page.get_data(as_text=True)
    monkeypatch.undo()
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("activities"))) == 1
    assert list(store.iter_keys()) == []


def test_healthz_names_storage_that_refuses_writes(client, db, store, monkeypatch):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok",
                                                 "redis": "not_configured"}
    assert list(store.iter_keys()) == []  # the probe is deleted again
    _refuse_writes(monkeypatch, errno.EROFS)
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.get_json() == {"status": "unavailable", "database": "ok", "storage": "unavailable",
                               "redis": "not_configured", "failed": ["storage"]}


def test_healthz_answers_within_its_time_box_when_a_check_hangs(client, db, monkeypatch):
    monkeypatch.setitem(health.CHECKS, "storage", lambda: time.sleep(10) or "ok")
    started = time.monotonic()
    resp = client.get("/healthz")
    seconds = time.monotonic() - started
    assert resp.status_code == 503 and resp.get_json()["failed"] == ["storage"]
    assert seconds < 3, seconds
