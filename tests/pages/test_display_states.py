"""Issue 13's misleading states: the review history after a resubmission, 参与人数 not given,
a manager's administrative edit, file sizes, photo thumbnails within the access rules, the
confirmation on /province/review, /applications/new before the form, job names in Chinese."""
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from blueprints.display import file_size, participants
from extensions import db
from models import Activity, Attachment
from models.enums import ActivityStatus, ApplicationStatus, Role
from services import activities as service
from services import clock
from tests.support import factories as f

V = ActivityStatus.VERIFIED


def _png(width=800, height=600) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.mark.parametrize("n, text", [(0, "0 B"), (1, "1 B"), (512, "512 B"), (1023, "1023 B"),
                                     (1024, "1.0 KB"), (1229, "1.2 KB"),
                                     (5 * 1024 * 1024, "5.0 MB"), (None, "0 B")])
def test_file_size(n, text):
    assert file_size(n) == text


def test_participants_text():
    assert participants(None) == "未填写" and participants(0) == "0 人" and participants(25) == "25 人"


# ------------------------------------------------------------------ review history (item 6)

def test_resubmission_clears_the_current_review_and_keeps_the_history(world, login, api):
    a = f.activity(world.rep_a, status=ActivityStatus.SUBMITTED)
    db.session.commit()
    service.review_activity(world.manager_a, a, "return", "请补充签到表")
    db.session.commit()
    assert a.verifier_id == world.manager_a.id and a.review_comment == "请补充签到表"
    service.submit_activity(world.rep_a, a)
    db.session.commit()
    assert a.verifier_id is None and a.verified_at is None and a.review_comment == ""
    body = api(world.rep_a).get(f"/activities/{a.id}").get_json()
    assert body["verifier_id"] is None and body["comment"] == ""
    for user, path in ((world.rep_a, f"/me/activities/{a.id}"),
                       (world.manager_a, f"/manage/activities/{a.id}")):
        html = login(user).get(path).get_data(as_text=True)
        assert "审核人" not in html and 'data-testid="current-review"' not in html
        assert 'data-testid="review-history"' in html
        assert "退回修改" in html and "请补充签到表" in html and html.count("提交审核") >= 1
    service.review_activity(world.manager_a, a, "verify", "材料齐全")
    db.session.commit()
    html = login(world.rep_a).get(f"/me/activities/{a.id}").get_data(as_text=True)
    assert "审核人" in html and "材料齐全" in html and "请补充签到表" in html  # every review kept


def test_history_page_statement_count_does_not_grow(world, login, statement_counter):
    a = f.activity(world.rep_a, status=ActivityStatus.SUBMITTED)
    db.session.commit()
    client = login(world.rep_a)

    def measure():
        with statement_counter() as statements:
            assert client.get(f"/me/activities/{a.id}").status_code == 200
        return len(statements)

    first = measure()
    for _ in range(4):
        service.review_activity(world.manager_a, a, "return", "再补充")
        service.submit_activity(world.rep_a, a)
    db.session.commit()
    assert measure() == first


# ------------------------------------------------------------------ 参与人数 nullable (item 6)

def test_blank_participants_is_null_shown_as_not_given_and_summed_as_zero(world, login, api):
    client = api(world.rep_a)
    resp = client.post("/activities", json={
        "theme": "window", "kind": "exchange", "title": "未填人数的活动", "date": "2026-03-01",
        "mode": "offline", "summary": "交流"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json()["participants"] is None
    a = db.session.get(Activity, resp.get_json()["id"])
    assert a.participants is None
    html = login(world.rep_a).get(f"/me/activities/{a.id}").get_data(as_text=True)
    assert "未填写" in html
    resp = login(world.rep_a).post(f"/me/activities/{a.id}/edit", data={
        "theme": "window", "kind": "exchange", "title": "未填人数的活动", "date": "2026-03-01",
        "location": "", "mode": "offline", "participants": "", "summary": "交流",
        "action": "save"})
    db.session.expire_all()
    assert db.session.get(Activity, a.id).participants is None
    a = db.session.get(Activity, a.id)
    a.status = V
    f.activity(world.rep_a, status=V, participants=7, date=a.date)
    db.session.commit()
    from services import dashboard
    stats = dashboard.activity_stats(dashboard.Scope(year=a.date.year, home_id=world.home_a.id))
    assert stats.participants == 7


# ------------------------------------------------------------------ a manager's edit (item 7)

def test_manager_edit_and_delete_are_worded_as_administrative(world, login):
    a = f.activity(world.rep_a, status=ActivityStatus.SUBMITTED)
    db.session.commit()
    html = login(world.manager_a).get(f"/manage/activities/{a.id}").get_data(as_text=True)
    assert "以管理员身份修改" in html and "以管理员身份删除" in html
    assert 'data-testid="admin-note"' in html and "代表甲" in html
    form = login(world.manager_a).get(f"/me/activities/{a.id}/edit").get_data(as_text=True)
    assert "管理员修改活动" in form and 'data-testid="admin-edit-note"' in form
    own = login(world.rep_a).get(f"/me/activities/{a.id}").get_data(as_text=True)
    assert "以管理员身份" not in own and 'data-testid="admin-note"' not in own


# ------------------------------------------------------------------ attachments (item 8)

@pytest.fixture()
def photos(world):
    """A published, verified activity of Home A with a PNG photo and a PDF; a submitted one with a
    photo; both stored through the service."""
    shown = f.activity(world.rep_a, status=ActivityStatus.DRAFT, published=True, title="公开活动")
    hidden = f.activity(world.rep_a, status=ActivityStatus.DRAFT, published=True, title="未审核")
    db.session.commit()
    service.add_attachments(world.rep_a, shown, [("现场.png", _png()), ("签到表.pdf", PDF)])
    service.add_attachments(world.rep_a, hidden, [("现场.png", _png(300, 900))])
    shown.status, hidden.status = V, ActivityStatus.SUBMITTED
    db.session.commit()
    by = {(att.activity_id, att.content_type): att.id for att in db.session.scalars(sa.select(Attachment))}
    return {"shown": shown, "hidden": hidden, "png": by[(shown.id, "image/png")],
            "pdf": by[(shown.id, "application/pdf")], "hidden_png": by[(hidden.id, "image/png")]}


def test_small_attachment_size_is_shown_in_bytes(world, login, photos):
    html = login(world.rep_a).get(f"/me/activities/{photos['shown'].id}").get_data(as_text=True)
    assert " B</span>" in html and "0 KB" not in html
    assert f"/me/attachments/{photos['png']}/thumb" in html
    assert f"/me/attachments/{photos['pdf']}/thumb" not in html


def test_thumbnail_is_a_small_jpeg_within_the_access_rules(world, login, client, photos):
    path = f"/me/attachments/{photos['png']}/thumb"
    resp = login(world.rep_a).get(path)
    assert resp.status_code == 200 and resp.mimetype == "image/jpeg"
    img = Image.open(io.BytesIO(resp.data))
    assert img.format == "JPEG" and img.size[0] <= 320 and img.size[1] <= 240
    assert resp.headers["Cache-Control"] == "private, no-store"
    assert login(world.manager_a).get(path).status_code == 200
    assert login(world.admin).get(path).status_code == 200
    assert login(world.manager_b).get(path).status_code == 404  # another Home's
    assert login(world.rep_a).get(f"/me/attachments/{photos['pdf']}/thumb").status_code == 404
    client.post("/logout")
    assert client.get(path).status_code == 302  # anonymous: to the login page


def test_public_report_thumbnails_only_for_published_verified(world, client, photos):
    html = client.get("/public/reports").get_data(as_text=True)
    assert f"/public/reports/photos/{photos['png']}/thumb" in html
    assert f"/public/reports/photos/{photos['hidden_png']}/thumb" not in html
    ok = client.get(f"/public/reports/photos/{photos['png']}/thumb")
    assert ok.status_code == 200 and ok.mimetype == "image/jpeg"
    assert client.get(f"/public/reports/photos/{photos['hidden_png']}/thumb").status_code == 404
    assert client.get(f"/public/reports/photos/{photos['pdf']}/thumb").status_code == 404
    assert client.get("/public/reports/photos/999999/thumb").status_code == 404
    photos["shown"].published = False
    db.session.commit()
    assert client.get(f"/public/reports/photos/{photos['png']}/thumb").status_code == 404


def test_public_reports_statement_count_with_photos(world, client, photos, statement_counter):
    def measure():
        with statement_counter() as statements:
            assert client.get("/public/reports").status_code == 200
        return len(statements)

    first = measure()
    for i in range(5):
        f.activity(world.rep_a2, status=V, published=True, title=f"报道{i}")
    db.session.commit()
    assert measure() == first


# ------------------------------------------------------------------ review page (item 9)

def test_review_asks_for_confirmation_and_explains_the_quota(world, login):
    unit = f.unit(name="江苏省电子学会")
    rnd = f.round_(year=clock.today().year, deadline=clock.today() + timedelta(days=10))
    f.application(unit, rnd, status=ApplicationStatus.SUBMITTED)
    db.session.commit()
    html = login(world.admin).get("/province/review").get_data(as_text=True)
    assert 'data-testid="quota-explained"' in html and "认定名额" in html
    assert html.count("data-confirm=") == 3 and "js/confirm." in html
    assert "确定认定江苏省电子学会" in html


def test_irreversible_one_click_actions_ask_first(world, login):
    """重置密码, 停用, 取消关联 and deleting a contact record ask before they act (static/js/confirm.js,
    loaded on every page; the browser test answers the dialog)."""
    wk = f.worker(linked_by=world.rep_a, name="王五")
    f.contact(world.rep_a, wk, clock.today())
    db.session.commit()
    admin = login(world.admin)
    for path, text in ((f"/account/users/{world.rep_a.id}", "确定重置代表甲"),
                       ("/admin/users", "确定停用"), ("/admin/units", "确定停用")):
        html = admin.get(path).get_data(as_text=True)
        assert text in html and "js/confirm." in html, path
    html = login(world.manager_a).get("/manage/accounts").get_data(as_text=True)
    assert "确定停用代表甲" in html and "其代表码页面也随之关闭" in html
    html = login(world.rep_a).get(f"/me/workers/{wk.id}").get_data(as_text=True)
    assert "确定取消与王五的关联吗" in html and "确定删除这条联系记录吗" in html


# ------------------------------------------------------------------ applications (item 10)

def test_new_application_says_first_that_the_unit_already_has_one(world, login):
    rnd = f.round_(year=clock.today().year, deadline=clock.today() + timedelta(days=10))
    unit = world.home_a.unit
    a = f.application(unit, rnd, status=ApplicationStatus.DRAFT)
    db.session.commit()
    html = login(world.manager_a).get("/applications/new").get_data(as_text=True)
    assert 'data-testid="existing-application"' in html
    assert f"/applications/{a.id}/edit" in html and "目前没有可以新建申报书的批次" in html
    # With no round left to apply in, no blank form is offered at all.
    assert "<form method=\"post\" novalidate" not in html
    applying = f.user(Role.HOME_MANAGER, unit_id=f.unit(name="常州市科协").id)  # no Home yet
    db.session.commit()
    other = login(applying).get("/applications/new").get_data(as_text=True)
    assert 'data-testid="existing-application"' not in other
    assert "<form method=\"post\" novalidate" in other


def test_a_unit_whose_home_is_active_is_told_before_it_writes(world, login):
    """SPEC §5.2 已成功申报单位不再申报: a Home valid past every open round's deadline gets no
    blank 申报书 to write 1000 characters into, and 申报 says why; a round that closes after
    the Home has expired is still offered (the unit may submit once the Home has expired)."""
    today = clock.today()
    home = world.home_a
    home.expires_on = today + timedelta(days=40)
    rnd = f.round_(year=today.year, deadline=today + timedelta(days=10))
    db.session.commit()
    c = login(world.manager_a)
    index = c.get("/applications/").get_data(as_text=True)
    assert 'data-testid="active-home"' in index and "已成功申报的单位不再申报" in index
    assert f"有效期至 {(home.expires_on - timedelta(days=1)).isoformat()}" in index
    assert 'href="/applications/new"' not in index
    html = c.get("/applications/new").get_data(as_text=True)
    assert 'data-testid="active-home"' in html and 'data-testid="no-round"' in html
    assert "<form method=\"post\" novalidate" not in html
    later = f.round_(year=today.year + 1, deadline=home.expires_on)
    db.session.commit()
    assert 'href="/applications/new"' in c.get("/applications/").get_data(as_text=True)
    html = c.get("/applications/new").get_data(as_text=True)
    assert "<form method=\"post\" novalidate" in html and "有效期届满后" in html
    assert f'value="{later.id}"' in html and f'value="{rnd.id}"' not in html


def test_edit_form_offers_no_closed_round(world, login):
    closed = f.round_(year=2020, deadline=date(2020, 6, 30))
    current = f.round_(year=clock.today().year, deadline=clock.today() + timedelta(days=10))
    a = f.application(world.home_a.unit, current, status=ApplicationStatus.DRAFT)
    db.session.commit()
    html = login(world.manager_a).get(f"/applications/{a.id}/edit").get_data(as_text=True)
    assert f'value="{current.id}"' in html and f'value="{closed.id}"' not in html
    assert "2020年度" not in html


# ------------------------------------------------------------------ jobs (item 11)

def test_job_names_are_chinese_first(world, login):
    html = login(world.admin).get("/admin/jobs/").get_data(as_text=True)
    assert html.index("联系达标提醒") < html.index("<code>compliance_sweep</code>")
    assert html.index("有效期检查") < html.index("<code>validity_watch</code>")
