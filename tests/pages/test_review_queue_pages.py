"""The verification queue as a manager works through it: each waiting activity shows thumbnails
of its photos (the stored thumbnails), the review block comes before 以管理员身份删除, and after a
review the page offers 下一条 — the next waiting activity in queue order — until none is left."""
import io
import re
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from extensions import db
from models.enums import ActivityStatus
from services import activities as service
from tests.support import factories as f


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def empty_upload_dir(app):
    shutil.rmtree(app.config["UPLOAD_DIR"], ignore_errors=True)
    yield


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _with_photos(rep, title, photos):
    activity = service.create_activity(rep, {
        "theme": "window", "kind": "exchange", "title": title, "date": "2026-03-01",
        "location": "南京", "mode": "offline", "participants": 12, "summary": "交流"},
        files=[(f"photo{i}.jpg", _jpeg()) for i in range(photos)] + [("notes.pdf", PDF)])
    return activity


def test_queue_shows_thumbnails_of_photos(world, login):
    activity = _with_photos(world.rep_a, "有照片的活动", 4)
    db.session.commit()
    client = login(world.manager_a)
    page = client.get("/manage/queue").get_data(as_text=True)
    thumbs = re.findall(r'<img class="thumb-sm" src="([^"]+)"', page)
    photo_ids = sorted(a.id for a in activity.attachments if a.content_type == "image/jpeg")
    assert len(thumbs) == 3 and "+1" in page  # three shown, the fourth counted
    assert thumbs == [f"/me/attachments/{i}/thumb" for i in photo_ids[:3]]
    resp = client.get(thumbs[0])
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(resp.data)).size[0] <= 640


def test_review_block_before_admin_delete_and_next_after_review(world, login):
    base = datetime(2026, 3, 1, tzinfo=UTC)
    first = f.activity(world.rep_a, title="第一条", submitted_at=base)
    second = f.activity(world.rep_a2, title="第二条", submitted_at=base + timedelta(days=1))
    third = f.activity(world.rep_a, title="第三条", submitted_at=base + timedelta(days=2))
    f.activity(world.rep_b, title="外家", submitted_at=base - timedelta(days=1))
    db.session.commit()
    client = login(world.manager_a)
    page = client.get(f"/manage/activities/{second.id}").get_data(as_text=True)
    assert "以管理员身份删除" in page
    assert page.index('id="review"') < page.index("以管理员身份删除")
    assert 'data-testid="next-waiting"' not in page  # not yet reviewed
    # Verify the second: the page offers the first (oldest waiting), then the third.
    page = client.post(f"/manage/activities/{second.id}/verify",
                       follow_redirects=True).get_data(as_text=True)
    assert "已审核通过" in page
    link = re.search(r'data-testid="next-waiting" href="([^"#]+)', page)
    assert link and link.group(1) == f"/manage/activities/{first.id}"
    assert "还有 2 条待审核" in page
    page = client.post(f"/manage/activities/{first.id}/return", data={"comment": "请补充照片"},
                       follow_redirects=True).get_data(as_text=True)
    link = re.search(r'data-testid="next-waiting" href="([^"#]+)', page)
    assert link and link.group(1) == f"/manage/activities/{third.id}"
    page = client.post(f"/manage/activities/{third.id}/verify",
                       follow_redirects=True).get_data(as_text=True)
    assert 'data-testid="next-waiting"' not in page and "没有其他待审核的活动" in page
    db.session.expire_all()
    assert db.session.get(type(first), first.id).status == ActivityStatus.RETURNED
