"""Attachments: type by content, extension agreement, size and count limits, storage outside
static/, cleanup on rollback and delete, scoped download with safe headers."""
import io
import os
import shutil

import pytest
import sqlalchemy as sa
from flask import current_app
from PIL import Image

from extensions import db
from models import Activity, Attachment
from models.enums import ActivityStatus
from services import activities as service
from services.activities import attachments as att
from services.errors import Forbidden, ValidationFailed
from tests.support import factories as f


def _image(fmt: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


# Real images (photos are decoded at upload to strip metadata and make thumbnails).
JPEG = _image("JPEG")
PNG = _image("PNG")
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
MB10 = 10 * 1024 * 1024


def jpeg_of(size):
    """A real JPEG of exactly `size` bytes (padding after its end marker, which decoders skip)."""
    return JPEG + b"\x00" * (size - len(JPEG))


def payload(**kw):
    data = {"theme": "window", "kind": "exchange", "title": "座谈会", "date": "2026-03-01",
            "location": "南京", "mode": "offline", "participants": 12, "summary": "交流"}
    data.update(kw)
    return data


def stored_files():
    """The originals stored (thumbnails live under thumbs/, see thumb_files)."""
    directory = current_app.config["UPLOAD_DIR"]
    if not os.path.isdir(directory):
        return []
    return sorted(n for n in os.listdir(directory) if os.path.isfile(os.path.join(directory, n)))


def thumb_files():
    directory = os.path.join(current_app.config["UPLOAD_DIR"], "thumbs")
    return sorted(os.listdir(directory)) if os.path.isdir(directory) else []


@pytest.fixture(autouse=True)
def empty_upload_dir(app):
    directory = app.config["UPLOAD_DIR"]
    if os.path.isdir(directory):
        shutil.rmtree(directory)
    yield


# ------------------------------------------------------------------ content checks

@pytest.mark.parametrize("name,data,mime", [
    ("photo.jpg", JPEG, "image/jpeg"), ("PHOTO.JPEG", JPEG, "image/jpeg"),
    ("shot.png", PNG, "image/png"), ("report.pdf", PDF, "application/pdf"),
])
def test_accepted_types(name, data, mime):
    assert att.check_content(name, data) == (mime, None)


@pytest.mark.parametrize("name,data", [
    ("photo.jpg", b"just some text pretending to be a photo"),  # text file named .jpg
    ("photo.jpg", PNG),                                         # png content, jpg name
    ("report.pdf", JPEG),                                       # jpeg content, pdf name
    ("image.gif", b"GIF89a" + b"\x00" * 20),                    # gif is not allowed
    ("script.png", b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
    ("report.pdf", PNG),                                        # a known extension, other content
    ("empty.jpg", b""),
])
def test_refused_types(name, data):
    mime, problem = att.check_content(name, data)
    assert mime is None and problem and name in problem


def test_size_edge():
    assert att.check_content("big.jpg", jpeg_of(MB10))[0] == "image/jpeg"
    mime, problem = att.check_content("big.jpg", jpeg_of(MB10 + 1))
    assert mime is None and "10 MB" in problem


# ------------------------------------------------------------------ service: limits, storage, cleanup

def test_exactly_10mb_stored_outside_static(world):
    activity = service.create_activity(world.rep_a, payload(), files=[("big.jpg", jpeg_of(MB10))])
    db.session.commit()
    (item,) = activity.attachments
    assert item.size == MB10 and item.content_type == "image/jpeg" and item.filename == "big.jpg"
    path = att.path_of(item)
    assert os.path.getsize(path) == MB10
    assert "static" not in os.path.relpath(path, current_app.root_path).split(os.sep)
    assert item.stored_name != "big.jpg" and len(item.stored_name) >= 32


def test_10mb_plus_one_refused_nothing_written(world):
    with pytest.raises(ValidationFailed) as info:
        service.create_activity(world.rep_a, payload(), files=[("big.jpg", jpeg_of(MB10 + 1))])
    db.session.rollback()
    assert list(info.value.fields) == ["attachments"]
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0
    assert stored_files() == []


def test_fake_jpg_refused(world):
    with pytest.raises(ValidationFailed) as info:
        service.create_activity(world.rep_a, payload(), files=[("fake.jpg", b"hello, I am text")])
    db.session.rollback()
    assert "fake.jpg" in info.value.fields["attachments"][0]
    assert stored_files() == []


def test_ten_per_activity_eleventh_refused(world):
    activity = service.create_activity(world.rep_a, payload(),
                              files=[(f"p{i}.png", PNG) for i in range(10)])
    db.session.commit()
    assert len(activity.attachments) == 10 and len(stored_files()) == 10
    with pytest.raises(ValidationFailed) as info:
        service.add_attachments(world.rep_a, activity, [("p11.png", PNG)])
    db.session.rollback()
    assert "最多10个" in info.value.fields["attachments"][0]
    assert len(stored_files()) == 10
    with pytest.raises(ValidationFailed):
        service.create_activity(world.rep_a, payload(), files=[(f"q{i}.png", PNG) for i in range(11)])
    db.session.rollback()
    assert len(stored_files()) == 10


def test_files_removed_when_transaction_fails(world):
    service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF), ("b.png", PNG)])
    assert len(stored_files()) == 2  # written, not yet committed
    db.session.rollback()
    assert stored_files() == []
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0


def test_files_removed_after_activity_delete_commit(world):
    activity = service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF)])
    db.session.commit()
    service.delete_activity(world.rep_a, activity)
    assert len(stored_files()) == 1  # still there until the delete is committed
    db.session.commit()
    assert stored_files() == []


def test_delete_rolled_back_keeps_file(world):
    activity = service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF)])
    db.session.commit()
    service.delete_activity(world.rep_a, activity)
    db.session.rollback()
    assert len(stored_files()) == 1


def test_verified_activity_attachments_frozen(world):
    activity = f.activity(world.rep_a, status=ActivityStatus.VERIFIED)
    db.session.commit()
    with pytest.raises(Forbidden):
        service.add_attachments(world.rep_a, activity, [("a.pdf", PDF)])


# ------------------------------------------------------------------ pages: upload and download

def test_upload_through_the_form(world, login):
    client = login(world.rep_a)
    resp = client.post("/me/activities/new", data={
        **payload(), "action": "submit",
        "attachments": [(io.BytesIO(PNG), "现场.png"), (io.BytesIO(PDF), "签到表.pdf")],
    }, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    names = sorted(db.session.scalars(sa.select(Attachment.filename)))
    assert names == ["现场.png", "签到表.pdf"]


def test_form_refuses_fake_file_with_message(world, login):
    client = login(world.rep_a)
    resp = client.post("/me/activities/new", data={
        **payload(), "action": "submit", "attachments": [(io.BytesIO(b"text"), "fake.jpg")],
    }, content_type="multipart/form-data")
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "fake.jpg" in page and "data-field=\"attachments\"" in page
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0
    assert stored_files() == []


def _with_files(world):
    activity = service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF), ("b.png", PNG)])
    db.session.commit()
    pdf, png = activity.attachments
    return pdf.id, png.id


@pytest.mark.parametrize("who,code", [("rep_a", 200), ("manager_a", 200), ("admin", 200),
                                      ("rep_a2", 404), ("manager_b", 404), ("rep_b", 404)])
def test_download_matrix(world, login, who, code):
    pdf_id, png_id = _with_files(world)
    client = login(getattr(world, who))
    resp = client.get(f"/me/attachments/{pdf_id}")
    assert resp.status_code == code
    if code == 200:
        assert resp.data == PDF
        assert resp.headers["Content-Disposition"].startswith("attachment")
        assert resp.headers["Content-Type"] == "application/pdf"
        assert resp.headers["X-Content-Type-Options"] == "nosniff"
        image = client.get(f"/me/attachments/{png_id}")
        assert image.headers["Content-Disposition"].startswith("inline")
        assert image.headers["Content-Type"] == "image/png"
        assert image.headers["X-Content-Type-Options"] == "nosniff"


def test_download_anonymous_redirects_to_login(world, client):
    pdf_id, _ = _with_files(world)
    resp = client.get(f"/me/attachments/{pdf_id}")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert client.get("/me/attachments/999999").status_code == 302


def test_co_organiser_may_download(world, login):
    pdf_id, _ = _with_files(world)
    activity = db.session.scalar(sa.select(Activity))
    activity.co_organizers = [world.rep_a2]
    db.session.commit()
    assert login(world.rep_a2).get(f"/me/attachments/{pdf_id}").status_code == 200


@pytest.mark.parametrize("who,code", [("rep_a", 302), ("manager_a", 302), ("admin", 302),
                                      ("rep_a2", 404), ("manager_b", 404), ("rep_b", 404)])
def test_attachment_delete_matrix(world, login, who, code):
    pdf_id, _ = _with_files(world)
    resp = login(getattr(world, who)).post(f"/me/attachments/{pdf_id}/delete")
    assert resp.status_code == code
    assert (db.session.get(Attachment, pdf_id) is None) == (code == 302)
    assert len(stored_files()) == (1 if code == 302 else 2)


# ------------------------------------------------------------------ API upload

def test_api_upload(world, api):
    activity = f.activity(world.rep_a)
    db.session.commit()
    client = api(world.rep_a)
    resp = client.client.post(f"/api/v1/activities/{activity.id}/attachments",
                              headers=client._headers(),
                              data={"files": [(io.BytesIO(PDF), "a.pdf")]},
                              content_type="multipart/form-data")
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()[0]["content_type"] == "application/pdf"
    resp = client.client.post(f"/api/v1/activities/{activity.id}/attachments",
                              headers=client._headers(),
                              data={"files": [(io.BytesIO(b"text"), "x.png")]},
                              content_type="multipart/form-data")
    assert resp.status_code == 422 and "attachments" in resp.get_json()["error"]["fields"]
    other = api(world.rep_b).client.post(
        f"/api/v1/activities/{activity.id}/attachments", headers=api(world.rep_b)._headers(),
        data={"files": [(io.BytesIO(PDF), "a.pdf")]}, content_type="multipart/form-data")
    assert other.status_code == 404
    detail = client.get(f"/activities/{activity.id}").get_json()
    assert [(a["filename"], a["size"]) for a in detail["attachments"]] == [("a.pdf", len(PDF))]
