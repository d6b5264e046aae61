"""File names as phones and old tools send them: raw GBK bytes in a multipart header are read, for
every upload (one request class, blueprints/multipart.py), and UTF-8 names are unchanged."""
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from blueprints.multipart import MultipartRequest, decode_header_line
from extensions import db
from models import Attachment, Import
from tests.support import factories as f
from tests.support.import_files import REP_HEADER, reps, xlsx

BOUNDARY = "----RepHomeBoundary7MA4YWxkTrZu0gW"


def multipart(fields: dict, files: list[tuple[str, bytes, bytes, str]]) -> bytes:
    """A multipart body built by hand: `files` are (field, raw name bytes, content, type)."""
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                  .encode() + str(value).encode() + b"\r\n")
    for field, raw_name, content, content_type in files:
        out.write(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="'
                  .encode() + raw_name + f'"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                  + content + b"\r\n")
    out.write(f"--{BOUNDARY}--\r\n".encode())
    return out.getvalue()


def post(client, url, body, headers=None):
    return client.post(url, data=body, headers=headers or {},
                       content_type=f"multipart/form-data; boundary={BOUNDARY}")


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "JPEG")
    return out.getvalue()


@pytest.mark.parametrize("raw,text", [
    ("活动现场.jpg".encode("gbk"), "活动现场.jpg"),
    ("活动现场.jpg".encode(), "活动现场.jpg"),
    ("䶮.png".encode("gb18030"), "䶮.png"),  # beyond GBK: GB18030's four-byte range
    (b"plain.pdf", "plain.pdf"),
])
def test_a_header_line_is_utf8_else_gb18030(raw, text):
    assert decode_header_line(b'filename="' + raw + b'"') == f'filename="{text}"'


def test_undecodable_bytes_never_fail_the_form():
    assert decode_header_line(b"\xff\xfe\x80.jpg").endswith(".jpg")


def test_the_app_uses_the_lenient_request_class(app):
    assert issubclass(app.request_class, MultipartRequest)


ACTIVITY_FORM = {"theme": "window", "kind": "exchange", "title": "座谈会", "date": "2026-03-01",
                 "location": "南京", "mode": "offline", "participants": "12",
                 "summary": "交流科研经费问题", "action": "submit"}


def test_a_gbk_photo_name_on_the_activity_page(world, login):
    body = multipart(ACTIVITY_FORM, [("attachments", "活动现场.jpg".encode("gbk"), jpeg(),
                                      "image/jpeg")])
    resp = post(login(world.rep_a), "/me/activities/new", body)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    assert db.session.scalars(sa.select(Attachment.filename)).all() == ["活动现场.jpg"]


def test_a_gbk_and_a_utf8_name_through_the_api(world, api):
    activity = f.activity(world.rep_a)
    db.session.commit()
    rep = api(world.rep_a)
    body = multipart({}, [("files", "合影 一.jpg".encode("gbk"), jpeg(), "image/jpeg"),
                          ("files", "合影二.jpg".encode(), jpeg(), "image/jpeg")])
    resp = post(rep.client, f"/api/v1/activities/{activity.id}/attachments", body,
                {"Authorization": f"Bearer {rep.token}"})
    assert resp.status_code == 201, resp.get_json()
    assert [item["filename"] for item in resp.get_json()] == ["合影 一.jpg", "合影二.jpg"]


def test_a_gbk_workbook_name_on_the_import_page(world, login):
    body = multipart({"kind": "representatives"}, [(
        "file", "代表名册.xlsx".encode("gbk"), xlsx(REP_HEADER, reps(2)),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")])
    resp = post(login(world.manager_a), "/imports/", body)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:800]
    assert db.session.scalar(sa.select(Import.file_name)) == "代表名册.xlsx"
