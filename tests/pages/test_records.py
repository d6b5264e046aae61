"""履职档案 (SPEC §5.7) and 台账: figures by hand, page = Word = API, access, statement counts."""
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from docx import Document
from PIL import Image

from extensions import db
from models import Attachment, activity_co_organizers
from models.enums import ActivityStatus, AppealStatus, Theme
from services import records
from services.activities import attachments
from tests.support import factories as f

YEAR = 2026


def _co(activity, *reps):
    for rep in reps:
        db.session.execute(activity_co_organizers.insert().values(activity_id=activity.id,
                                                                  user_id=rep.id))
    db.session.flush()


@pytest.fixture()
def data(world):
    """rep_a and rep_a2 of Home A with activities, contacts and appeals around the year's edges."""
    w = world
    verified = ActivityStatus.VERIFIED
    a1 = f.activity(w.rep_a, title="一月座谈", date=date(2026, 1, 1), status=verified,
                    theme=Theme.WINDOW)
    _co(a1, w.rep_a2)  # co-organised: counts once for each organiser
    a2 = f.activity(w.rep_a2, title="岁末党课", date=date(2026, 12, 31), status=verified,
                    theme=Theme.PARTY_BUILDING, kind="theory_study")
    _co(a2, w.rep_a)
    f.activity(w.rep_a, title="待审活动", date=date(2026, 3, 3), status=ActivityStatus.SUBMITTED)
    f.activity(w.rep_a, title="退回活动", date=date(2026, 4, 3), status=ActivityStatus.RETURNED)
    f.activity(w.rep_a, title="去年活动", date=date(2025, 12, 31), status=verified)
    f.activity(w.rep_a, title="明年活动", date=date(2027, 1, 1), status=verified)
    f.activity(w.rep_b, title="别家活动", date=date(2026, 5, 5), status=verified)

    workers = [f.worker(w.rep_a) for _ in range(5)]
    for wk in workers:
        f.contact(w.rep_a, wk, date(2026, 6, 1))
    f.contact(w.rep_a, workers[0], date(2026, 12, 31))  # the same worker again
    f.contact(w.rep_a, f.worker(w.rep_a), date(2025, 12, 31))  # last year
    for wk in workers[:4]:
        f.contact(w.rep_a2, wk, date(2026, 1, 1))

    # Received in 2026 in Asia/Shanghai: 2025-12-31 16:30 UTC is 2026-01-01 00:30 there.
    f.appeal(w.rep_a, created_at=datetime(2025, 12, 31, 16, 30, tzinfo=UTC),
             status=AppealStatus.RESOLVED)
    f.appeal(w.rep_a, created_at=datetime(2026, 7, 1, 8, 0, tzinfo=UTC), status=AppealStatus.CLOSED)
    f.appeal(w.rep_a, created_at=datetime(2026, 12, 31, 15, 59, tzinfo=UTC))
    f.appeal(w.rep_a, created_at=datetime(2026, 12, 31, 16, 0, tzinfo=UTC),
             status=AppealStatus.RESOLVED)  # 2027-01-01 in Shanghai
    f.appeal(w.rep_a, created_at=datetime(2025, 12, 31, 15, 59, tzinfo=UTC))  # 2025 there
    db.session.commit()
    return w


EXPECTED_A = {"year": YEAR, "months_active": [1, 12],
              "activities_by_theme": {"party_building": 1, "window": 1, "neighborhood": 0,
                                      "innovation": 0},
              "workers_contacted": 5, "compliant": True, "appeals_received": 3,
              "appeals_resolved": 2}


def test_figures_by_hand(data):
    record = records.record_of(data.rep_a, YEAR)
    assert record.as_api() == EXPECTED_A
    assert [a.title for a in record.activities] == ["一月座谈", "岁末党课"]
    assert [a.role for a in record.activities] == ["organizer", "co_organizer"]

    other = records.record_of(data.rep_a2, YEAR).as_api()
    assert other["months_active"] == [1, 12]
    assert other["activities_by_theme"]["window"] == 1
    assert other["activities_by_theme"]["party_building"] == 1
    assert other["workers_contacted"] == 4 and other["compliant"] is False
    assert other["appeals_received"] == 0 and other["appeals_resolved"] == 0


def test_year_edges(data):
    assert records.record_of(data.rep_a, 2025).as_api()["months_active"] == [12]
    assert records.record_of(data.rep_a, 2025).as_api()["appeals_received"] == 1
    y2027 = records.record_of(data.rep_a, 2027).as_api()
    assert y2027["months_active"] == [1] and y2027["appeals_received"] == 1
    assert y2027["appeals_resolved"] == 1


def test_threshold_setting_decides_compliance(app, data):
    app.config["CONTACT_THRESHOLD"] = 6
    try:
        assert records.record_of(data.rep_a, YEAR).compliant is False
    finally:
        app.config["CONTACT_THRESHOLD"] = 5


def test_organiser_also_listed_as_co_organiser_counts_once(world):
    a = f.activity(world.rep_a, date=date(2026, 2, 2), status=ActivityStatus.VERIFIED)
    _co(a, world.rep_a)
    db.session.commit()
    assert records.record_of(world.rep_a, YEAR).activities_by_theme["window"] == 1


def test_many_equals_one_by_one(data):
    many = records.records_for([data.rep_a, data.rep_a2, data.rep_b], YEAR)
    assert [r.as_api() for r in many] == [records.record_of(r, YEAR).as_api()
                                          for r in (data.rep_a, data.rep_a2, data.rep_b)]


def test_api_page_and_word_agree(data, api, login):
    body = api(data.rep_a).get(f"/representatives/{data.rep_a.id}/record?year={YEAR}").get_json()
    assert body == EXPECTED_A

    client = login(data.rep_a)
    page = client.get(f"/records/{data.rep_a.id}?year={YEAR}").get_data(as_text=True)
    assert 'data-testid="record-activities">2<' in page
    assert 'data-testid="record-workers">5<' in page
    assert 'data-testid="record-appeals">3<' in page
    assert 'data-testid="record-resolved">2<' in page
    assert 'aria-label="1月有活动"' in page and 'aria-label="12月有活动"' in page
    assert 'aria-label="2月无活动"' in page
    assert "一月座谈" in page and "待审活动" not in page

    resp = client.get(f"/records/{data.rep_a.id}/docx?year={YEAR}")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    text = _docx_text(resp.data)
    assert "本年联系科技工作者 5 人" in text and "达标" in text
    assert "本年收到诉求建议 3 件，已办结 2 件" in text
    assert "一月座谈" in text and "岁末党课" in text and "待审活动" not in text
    calendar = Document(BytesIO(resp.data)).tables[1]
    marks = [c.text for c in calendar.rows[1].cells]
    assert [i + 1 for i, m in enumerate(marks) if m == "●"] == EXPECTED_A["months_active"]

    printed = client.get(f"/records/{data.rep_a.id}/print?year={YEAR}").get_data(as_text=True)
    assert "本年联系科技工作者 5 人" in printed and "navbar" not in printed


def test_default_year_is_this_year(data, api):
    from services.clock import today
    body = api(data.rep_a).get(f"/representatives/{data.rep_a.id}/record").get_json()
    assert body["year"] == today().year


def test_api_year_out_of_range_is_422(data, api):
    resp = api(data.rep_a).get(f"/representatives/{data.rep_a.id}/record?year=1999")
    assert resp.status_code == 422
    assert "year" in resp.get_json()["error"]["fields"]


def _docx_text(data: bytes) -> str:
    doc = Document(BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


# --- Access -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who, target, status", [
    ("rep_a", "rep_a", 200), ("rep_a", "rep_a2", 404), ("rep_a", "rep_b", 404),
    ("manager_a", "rep_a", 200), ("manager_a", "rep_b", 404), ("manager_b", "rep_a", 404),
    ("admin", "rep_b", 200), ("admin", "manager_a", 404), ("manager_a", "manager_a", 404),
])
def test_record_access(world, api, login, who, target, status):
    user, rep = getattr(world, who), getattr(world, target)
    assert api(user).get(f"/representatives/{rep.id}/record").status_code == status
    client = login(user)
    for path in ("", "/print", "/docx"):
        assert client.get(f"/records/{rep.id}{path}").status_code == status, path


def test_record_anonymous(world, api, client):
    assert api(None).get(f"/representatives/{world.rep_a.id}/record").status_code == 401
    for path in ("", "/print", "/docx"):
        resp = client.get(f"/records/{world.rep_a.id}{path}")
        assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_unknown_representative_404(world, api):
    assert api(world.admin).get("/representatives/999999/record").status_code == 404


@pytest.mark.parametrize("who, home, status", [
    ("manager_a", "home_a", 200), ("manager_a", "home_b", 404), ("manager_b", "home_a", 404),
    ("admin", "home_b", 200), ("rep_a", "home_a", 403), ("rep_b", "home_a", 403),
])
def test_home_documents_access(world, login, who, home, status):
    client = login(getattr(world, who))
    home_id = getattr(world, home).id
    for path in (f"/records/home/{home_id}/docx", f"/records/home/{home_id}/print",
                 f"/records/ledger/{home_id}", f"/records/ledger/{home_id}/docx"):
        assert client.get(path).status_code == status, path


def test_home_documents_anonymous(world, client):
    resp = client.get(f"/records/ledger/{world.home_a.id}")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_mine_redirects_by_role(world, login):
    resp = login(world.rep_a).get("/records/")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/records/{world.rep_a.id}")
    resp = login(world.manager_a).get("/records/")
    assert resp.status_code == 302 and "/manage/representatives" in resp.headers["Location"]


# --- A Home's documents -----------------------------------------------------------------------

def test_home_records_in_one_document(data, login):
    resp = login(data.manager_a).get(f"/records/home/{data.home_a.id}/docx?year={YEAR}")
    assert resp.status_code == 200
    text = _docx_text(resp.data)
    assert text.count("代表履职档案（2026年度）") == 2
    assert data.rep_a.name in text and data.rep_a2.name in text and data.rep_b.name not in text
    assert "本年联系科技工作者 4 人" in text and "未达标" in text
    printed = login(data.manager_a).get(f"/records/home/{data.home_a.id}/print?year={YEAR}")
    assert printed.get_data(as_text=True).count('data-testid="record-sheet"') == 2


def _png(size=(900, 600), color=(200, 30, 30)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def test_ledger_with_photo_thumbnails(data, login, app):
    activity = f.activity(data.rep_a, title="带照片的活动", date=date(2026, 8, 8),
                          status=ActivityStatus.VERIFIED, participants=7)
    import os
    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)
    photo = Attachment(activity_id=activity.id, filename="现场.png", stored_name="ledger-test.png",
                       content_type="image/png", size=len(_png()))
    pdf = Attachment(activity_id=activity.id, filename="签到表.pdf", stored_name="ledger-test.pdf",
                     content_type="application/pdf", size=10)
    db.session.add_all([photo, pdf])
    db.session.commit()
    with open(attachments.path_of(photo), "wb") as fh:
        fh.write(_png())
    # A file stored before thumbnails were made at upload: the ledger lists it by name until
    # `flask storage thumbnails` makes its thumbnails, then shows the stored one.
    resp = login(data.manager_a).get(f"/records/ledger/{data.home_a.id}/docx?year={YEAR}")
    assert len(Document(BytesIO(resp.data)).inline_shapes) == 0 and "现场.png" in _docx_text(resp.data)
    out = app.test_cli_runner().invoke(args=["storage", "thumbnails"])
    assert "新做 1 个附件" in out.output, out.output

    client = login(data.manager_a)
    resp = client.get(f"/records/ledger/{data.home_a.id}/docx?year={YEAR}")
    assert resp.status_code == 200
    doc = Document(BytesIO(resp.data))
    assert len(doc.inline_shapes) == 1
    image = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    blob = doc.part.related_parts[image].blob
    with Image.open(BytesIO(blob)) as thumb:
        assert max(thumb.size) <= 480
    text = _docx_text(resp.data)
    assert "带照片的活动" in text and "7 人" in text and "签到表.pdf" in text
    assert "待审活动" not in text and "别家活动" not in text

    page = client.get(f"/records/ledger/{data.home_a.id}?year={YEAR}").get_data(as_text=True)
    assert page.count('data-testid="ledger-entry"') == 3
    assert f"/me/attachments/{photo.id}/thumb" in page and "navbar" not in page


def test_ledger_missing_photo_file_is_listed_not_fatal(data, login):
    activity = f.activity(data.rep_a, date=date(2026, 8, 9), status=ActivityStatus.VERIFIED)
    db.session.add(Attachment(activity_id=activity.id, filename="丢失.jpg",
                              stored_name="missing-file.jpg", content_type="image/jpeg", size=5))
    db.session.commit()
    resp = login(data.manager_a).get(f"/records/ledger/{data.home_a.id}/docx?year={YEAR}")
    assert resp.status_code == 200 and "丢失.jpg" in _docx_text(resp.data)


def test_control_characters_in_stored_text_do_not_break_word(world, login):
    f.activity(world.rep_a, title="标题\x0b含控制符", date=date(2026, 2, 2),
               status=ActivityStatus.VERIFIED, summary="摘要\x01")
    db.session.commit()
    client = login(world.manager_a)
    assert client.get(f"/records/ledger/{world.home_a.id}/docx?year={YEAR}").status_code == 200
    assert client.get(f"/records/{world.rep_a.id}/docx?year={YEAR}").status_code == 200


# --- Statement counts -------------------------------------------------------------------------

def _grow(world, n):
    for i in range(n):
        rep = f.representative(world.home_a)
        a = f.activity(rep, date=date(2026, 1 + i % 12, 1), status=ActivityStatus.VERIFIED)
        _co(a, world.rep_a)
        wk = f.worker(rep)
        f.contact(rep, wk, date(2026, 5, 5))
        f.appeal(rep)
    db.session.commit()


def test_statement_counts_do_not_grow(world, login, statement_counter):
    client = login(world.manager_a)
    paths = [f"/records/{world.rep_a.id}?year={YEAR}", f"/records/home/{world.home_a.id}/docx?year={YEAR}",
             f"/records/home/{world.home_a.id}/print?year={YEAR}",
             f"/records/ledger/{world.home_a.id}?year={YEAR}"]
    _grow(world, 2)
    small = {}
    for path in paths:
        with statement_counter() as stmts:
            assert client.get(path).status_code == 200
        small[path] = len(stmts)
    _grow(world, 20)
    for path in paths:
        with statement_counter() as stmts:
            assert client.get(path).status_code == 200
        assert len(stmts) == small[path], path


def test_links_lead_to_the_records(world, login):
    page = login(world.manager_a).get("/manage/representatives").get_data(as_text=True)
    assert f"/records/home/{world.home_a.id}/docx" in page
    assert f"/records/ledger/{world.home_a.id}" in page
    assert f"/records/{world.rep_a.id}?year=" in page
    page = login(world.admin).get(f"/home/{world.home_b.id}").get_data(as_text=True)
    assert f"/records/ledger/{world.home_b.id}" in page
    page = login(world.rep_a).get("/me/").get_data(as_text=True)
    assert f"/records/{world.rep_a.id}?year=" in page
