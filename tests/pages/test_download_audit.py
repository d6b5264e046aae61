"""Downloads of personal data are audited (SPEC §5.13): an activity's photo or PDF original (who,
which attachment), and every export — Word 台账 and 履职档案, 申报书, statistics, refused import rows,
the credentials workbook — with what and how many rows. Thumbnails are not downloads of the
original and are not logged; a download refused (404) writes nothing."""
from io import BytesIO

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, Import
from services import activities, audit
from tests.services.test_attachments import PDF, PNG, payload
from tests.support import factories as f
from tests.support.import_files import REP_HEADER, reps, xlsx


def _entries(action):
    _db.session.expire_all()
    return _db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)
                               .order_by(AuditLog.id)).all()


@pytest.fixture()
def files(world, app, tmp_path):
    app.config["UPLOAD_DIR"], before = str(tmp_path), app.config["UPLOAD_DIR"]
    activity = activities.create_activity(world.rep_a, payload(),
                                          files=[("议程.pdf", PDF), ("合影.png", PNG)])
    _db.session.commit()
    yield activity
    app.config["UPLOAD_DIR"] = before


def test_attachment_downloads_are_audited_with_who_and_which(world, login, files):
    pdf, png = files.attachments
    client = login(world.manager_a)
    assert client.get(f"/me/attachments/{pdf.id}",
                      environ_base={"REMOTE_ADDR": "10.2.3.4"}).status_code == 200
    assert client.get(f"/me/attachments/{png.id}").status_code == 200
    assert client.get(f"/me/attachments/{png.id}/thumb").status_code == 200  # not logged
    first, second = _entries("download")
    assert (first.actor_id, first.object_type, first.object_id) == \
        (world.manager_a.id, "attachments", pdf.id)
    assert first.detail == {"what": "活动附件（PDF）", "filename": "议程.pdf",
                            "activity_id": files.id}
    assert first.address == "10.2.3.4" and first.result == "success"
    assert (second.object_id, second.detail["what"]) == (png.id, "活动照片")
    assert audit.verify_chain().ok


def test_a_refused_download_writes_nothing(world, login, files):
    pdf, _png = files.attachments
    assert login(world.manager_b).get(f"/me/attachments/{pdf.id}").status_code == 404
    assert login(world.rep_a2).get(f"/me/attachments/{pdf.id}").status_code == 404
    assert _entries("download") == []


def test_word_exports_are_audited_with_rows(world, login):
    f.activity(world.rep_a, title="活动一")
    f.activity(world.rep_a2, title="活动二")
    _db.session.commit()
    client = login(world.manager_a)
    home = world.home_a.id
    assert client.get(f"/records/home/{home}/docx").status_code == 200
    assert client.get(f"/records/ledger/{home}/docx").status_code == 200
    exports = _entries("export")
    assert [e.detail["what"].split(" ")[0] for e in exports] == ["代表之家履职档案", "活动台账"]
    assert all(e.actor_id == world.manager_a.id and e.detail["rows"] >= 0 for e in exports)
    assert exports[0].detail["rows"] == 2  # the Home's two representatives


def test_the_refused_rows_workbook_is_audited_with_its_rows(world, login):
    client = login(world.manager_a)
    rows = reps(4)
    rows[1][2] = "部级"
    rows[3][2] = "部级"
    client.post("/imports/", data={"kind": "representatives",
                                   "file": (BytesIO(xlsx(REP_HEADER, rows)), "名册.xlsx")},
                content_type="multipart/form-data")
    record = _db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    assert client.get(f"/imports/{record.id}/refused.xlsx").status_code == 200
    (entry,) = _entries("export")
    assert entry.detail["rows"] == 2 and entry.object_type == "imports"
    assert entry.object_id == record.id and entry.actor_id == world.manager_a.id
