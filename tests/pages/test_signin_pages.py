# ruff: noqa: F811  (the fixtures of tests/support/signin.py are imported, then requested by name)
"""Sign-in pages (SPEC §5.9): the door page /s/{code}, the panel on the activity page (open,
close, QR), the attendance page with 代签 and its Excel export, the poster, and the counts beside
参与人数 in the queue and the 台账 — with who may open each."""
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from extensions import db
from models import Attendee, AuditLog
from models.enums import ActivityStatus
from services import signin
from tests.support import factories as f
from tests.support.signin import clock, event, pdf_text  # noqa: F401


def _open(event, who):
    row = signin.open_signin(who, event)[0]
    db.session.commit()
    return row.code


def test_door_page_signs_in_and_says_what_is_kept(client, world, event):
    code = _open(event, world.rep_a)
    page = client.get(f"/s/{code}").get_data(as_text=True)
    assert "青年科技工作者座谈会" in page and "我是科技工作者" in page
    assert 'data-testid="privacy"' in page and "180 天后删除" in page
    resp = client.post(f"/s/{code}", data={"name": "王小明", "mobile": "+86 139 1234 5678",
                                           "is_worker": "1", "work_unit": "东南大学"})
    assert resp.status_code == 303 and resp.headers["Location"].endswith(f"/s/{code}/done")
    done = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="attendee-no">1<' in done and "签到成功" in done
    # A reload of the number's page (phones reload tabs after switching apps) sends nothing again.
    reload = client.get(f"/s/{code}/done").get_data(as_text=True)
    assert "您已签到（序号 1）" in reload and 'name="mobile"' not in reload
    again = client.post(f"/s/{code.lower()}", data={"name": "王小明", "mobile": "13912345678"})
    assert again.status_code == 303
    again = client.get(again.headers["Location"])
    assert again.status_code == 200 and "您已签到（序号 1）" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 1


def test_the_number_page_needs_a_sign_in_in_this_browser(client, app, world, event):
    code = _open(event, world.rep_a)
    client.post(f"/s/{code}", data={"name": "王小明", "mobile": "13912345678"})
    other = app.test_client().get(f"/s/{code}/done")
    assert other.status_code == 302 and other.headers["Location"].endswith(f"/s/{code}")
    assert client.get("/s/NOSUCHCODE/done").status_code == 404


def test_door_page_refusals(client, world, event):
    assert client.get("/s/NOSUCHCODE").status_code == 404
    code = _open(event, world.rep_a)
    bad = client.post(f"/s/{code}", data={"name": "", "mobile": "12345"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "请填写姓名" in text and "手机号应为11位" in text
    hp = client.post(f"/s/{code}", data={"name": "bot", "mobile": "13900000000", "website": "x"})
    assert hp.status_code == 303  # the same redirect and number page as a real sign-in
    assert "签到成功" in client.get(hp.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 0
    signin.close_signin(world.rep_a, event)
    db.session.commit()
    closed = client.get(f"/s/{code}")
    assert closed.status_code == 409 and "签到已结束" in closed.get_data(as_text=True)
    assert client.post(f"/s/{code}", data={"name": "甲", "mobile": "13900000000"}).status_code == 409


def test_panel_opens_shows_the_qr_and_closes(world, event, login):
    client = login(world.rep_a)
    page = client.get(f"/me/activities/{event.id}").get_data(as_text=True)
    assert 'data-testid="signin-panel"' in page and "开启签到" in page
    resp = client.post(f"/me/activities/{event.id}/signin/open", data={"closes_at": "18:00"})
    assert resp.status_code == 303
    page = client.get(f"/me/activities/{event.id}").get_data(as_text=True)
    code = signin.signin_of(event).code
    assert f"/s/{code}" in page and "<svg" in page and "结束签到" in page
    assert 'data-testid="signin-count-inline">0<' in page
    poster = client.get(f"/me/activities/{event.id}/signin/poster.pdf")
    assert poster.status_code == 200 and poster.mimetype == "application/pdf"
    assert poster.data.startswith(b"%PDF") and "青年科技工作者座谈会" in pdf_text(poster.data)
    assert f"/s/{code}" in pdf_text(poster.data)
    assert client.post(f"/me/activities/{event.id}/signin/close").status_code == 303
    page = client.get(f"/me/activities/{event.id}").get_data(as_text=True)
    assert "已结束" in page and "重新开启签到" in page


def test_bad_closing_time_is_named(world, event, login):
    client = login(world.rep_a)
    resp = client.post(f"/me/activities/{event.id}/signin/open", data={"closes_at": "25:99"},
                       follow_redirects=True)
    assert "结束签到时间" in resp.get_data(as_text=True)
    assert signin.signin_of(event) is None


def test_who_may_open_the_pages(world, event, login):
    assert login(world.admin).post(f"/me/activities/{event.id}/signin/open",
                                   data={"closes_at": "bad"}).status_code == 403
    assert login(world.admin).get(f"/me/activities/{event.id}/signin/poster.pdf").status_code == 403
    assert login(world.rep_b).post(f"/me/activities/{event.id}/signin/open").status_code == 404
    assert login(world.manager_b).get(f"/me/activities/{event.id}/attendance").status_code == 404
    assert login(world.manager_a).post(f"/me/activities/{event.id}/signin/open").status_code == 303
    assert login(world.rep_a2).post(f"/me/activities/{event.id}/signin/proxy",
                                    data={"name": "甲"}).status_code == 403


def test_attendance_page_proxy_and_export(world, event, login, client):
    code = _open(event, world.rep_a)
    client.post(f"/s/{code}", data={"name": "王小明", "mobile": "13912345678", "is_worker": "1"})
    organiser = login(world.rep_a)
    resp = organiser.post(f"/me/activities/{event.id}/signin/proxy",
                          data={"name": "老李", "work_unit": "社区"})
    assert resp.status_code == 303
    bad = organiser.post(f"/me/activities/{event.id}/signin/proxy", data={"name": ""})
    assert bad.status_code == 422 and "请填写姓名" in bad.get_data(as_text=True)
    page = organiser.get(f"/me/activities/{event.id}/attendance").get_data(as_text=True)
    assert "13912345678" in page and "代签" in page and 'data-testid="count">2<' in page
    export = organiser.get(f"/me/activities/{event.id}/attendance.xlsx")
    assert export.status_code == 200
    rows = list(load_workbook(BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows[2][0] == "序号" and rows[3][1] == "王小明" and rows[3][4] == "13912345678"
    assert rows[4][6] == "是"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "export"))
    assert entry.detail["rows"] == 2 and entry.object_id == event.id
    manager = login(world.manager_a).get(f"/me/activities/{event.id}/attendance")
    assert "139****5678" in manager.get_data(as_text=True)
    assert "13912345678" not in manager.get_data(as_text=True)


def test_queue_and_ledger_show_sign_ins_beside_participants(world, event, login, clock):
    event.status = ActivityStatus.SUBMITTED
    db.session.commit()
    code = _open(event, world.rep_a)
    signin.sign_in(code, {"name": "甲", "mobile": "13900000001"})
    db.session.commit()
    queue = login(world.manager_a).get("/manage/queue").get_data(as_text=True)
    assert "签到 1 人" in queue and "参与人数远高于签到" in queue  # 30 declared, 1 signed in
    event.status = ActivityStatus.VERIFIED
    db.session.commit()
    ledger = login(world.manager_a).get(f"/records/ledger/{world.home_a.id}?year={clock.today.year}")
    assert ledger.status_code == 200, ledger.status_code
    assert "30 人（签到 1 人）" in ledger.get_data(as_text=True)
    docx = login(world.manager_a).get(f"/records/ledger/{world.home_a.id}/docx?year={clock.today.year}")
    from zipfile import ZipFile
    assert "30 人（签到 1 人）" in ZipFile(BytesIO(docx.data)).read("word/document.xml").decode()
    f.activity(world.rep_a2, status=ActivityStatus.SUBMITTED, title="另一场座谈")
    db.session.commit()
    queue = login(world.manager_a).get("/manage/queue").get_data(as_text=True)
    row = queue[queue.index("另一场座谈"):]
    assert "签到" not in row.split("科技工作者")[0]  # never opened: no count shown


# ---------------------------------------------------------------- the access matrix (SPEC §4)

ROLES = ["anonymous", "rep_a", "rep_a2", "rep_a3", "manager_a", "manager_b", "rep_b", "admin",
         "system", "security", "auditor"]
R, N4, F3 = 302, 404, 403  # 302: the page redirects (to login for anonymous, back after an action)
MATRIX = [
    # (method, path, expected per role in ROLES order); sign-in was opened by rep_a (organiser);
    # rep_a2 co-organises; rep_a3 is another representative of the Home.
    ("GET", "/me/activities/{id}/attendance", [R, 200, 200, N4, 200, N4, N4, 200, F3, F3, F3]),
    ("GET", "/me/activities/{id}/attendance.xlsx", [R, 200, 200, N4, 200, N4, N4, 200, F3, F3, F3]),
    ("GET", "/me/activities/{id}/signin/poster.pdf", [R, 200, 200, N4, 200, N4, N4, F3, F3, F3, F3]),
    ("POST", "/me/activities/{id}/signin/open", [R, 303, 303, N4, 303, N4, N4, F3, F3, F3, F3]),
    ("POST", "/me/activities/{id}/signin/close", [R, 303, 303, N4, 303, N4, N4, F3, F3, F3, F3]),
    ("POST", "/me/activities/{id}/signin/proxy", [R, 303, F3, N4, F3, N4, N4, F3, F3, F3, F3]),
    ("GET", "/s/{code}", [200] * 11),
    ("POST", "/s/{code}", [303] * 11),  # to the number page /s/{code}/done
]


@pytest.fixture()
def everyone(world, event):
    from models.enums import Role
    world.rep_a3 = f.representative(world.home_a, username="rep_a3")
    world.system = f.user(Role.SYSTEM_ADMIN, username="sys_admin")
    world.security = f.user(Role.SECURITY_ADMIN, username="sec_admin")
    world.auditor = f.user(Role.AUDIT_ADMIN, username="audit_admin")
    db.session.commit()
    return world


@pytest.mark.parametrize("method,path,expected", MATRIX, ids=[f"{m} {p}" for m, p, _ in MATRIX])
@pytest.mark.parametrize("index,role", list(enumerate(ROLES)))
def test_page_access_matrix(client, login, everyone, event, method, path, expected, index, role):
    code = _open(event, everyone.rep_a)
    if role != "anonymous":
        login(getattr(everyone, role))
    url = path.format(id=event.id, code=code)
    data = {"name": "王小明", "mobile": "13912345678"}
    resp = client.get(url) if method == "GET" else client.post(url, data=data)
    assert resp.status_code == expected[index], (role, url)
    if role == "anonymous" and expected[index] == R:
        assert "/login" in resp.headers["Location"]


def test_far_above_waits_until_sign_in_closes_or_the_activity_is_submitted(world, event, login):
    """30 declared, nobody signed in yet: no warning while the sign-in of a draft is open; it
    appears once the sign-in is closed, and on a submitted activity even while still open."""
    client = login(world.rep_a)
    assert client.post(f"/me/activities/{event.id}/signin/open",
                       data={"closes_at": "23:59"}).status_code == 303
    page = client.get(f"/me/activities/{event.id}").get_data(as_text=True)
    assert 'data-testid="signin-count-inline">0<' in page and "远高于签到人数" not in page
    assert signin.far_above(30, 0, settled=False) is False
    event.status = ActivityStatus.SUBMITTED
    db.session.commit()
    page = client.get(f"/me/activities/{event.id}").get_data(as_text=True)
    assert 'data-testid="far-above"' in page
    queue = login(world.manager_a).get("/manage/queue").get_data(as_text=True)
    assert "参与人数远高于签到" in queue
    event.status = ActivityStatus.DRAFT
    db.session.commit()
    client = login(world.rep_a)
    assert client.post(f"/me/activities/{event.id}/signin/close").status_code == 303
    page = client.get(f"/me/activities/{event.id}").get_data(as_text=True)
    assert 'data-testid="far-above"' in page and "远高于签到人数" in page
