"""Activity pages: the form (theme → kind, defaults, errors), lists, detail, queue, review,
and the access matrix of every route × every role."""
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from extensions import db
from models import Activity, ContactRecord, Notification
from models.enums import ActivityStatus
from services.clock import today
from tests.conftest import count_statements
from tests.support import factories as f

S = ActivityStatus
ROLES = ["anonymous", "rep_a", "rep_a2", "manager_a", "manager_b", "rep_b", "admin"]


def form(**kw):
    data = {"theme": "window", "kind": "exchange", "title": "座谈会", "date": "2026-03-01",
            "location": "南京", "mode": "offline", "participants": "12", "summary": "交流科研经费问题",
            "action": "submit"}
    data.update(kw)
    return data


def as_(world, client, login, who):
    if who == "anonymous":
        return client
    return login(getattr(world, who))


def is_login_redirect(resp):
    return resp.status_code == 302 and "/login" in resp.headers["Location"]


# ------------------------------------------------------------------ access matrix

# expected status per role; "login" = redirect to the login page
NEW = {"anonymous": "login", "rep_a": 200, "rep_a2": 200, "manager_a": 200, "manager_b": 200,
       "rep_b": 200, "admin": 403}
MY_LIST = {"anonymous": "login", "rep_a": 200, "rep_a2": 200, "manager_a": 403, "manager_b": 403,
           "rep_b": 200, "admin": 403}
DETAIL = {"anonymous": "login", "rep_a": 200, "rep_a2": 404, "manager_a": 200, "manager_b": 404,
          "rep_b": 404, "admin": 200}
QUEUE = {"anonymous": "login", "rep_a": 403, "rep_a2": 403, "manager_a": 200, "manager_b": 200,
         "rep_b": 403, "admin": 200}
MANAGE_DETAIL = {"anonymous": "login", "rep_a": 403, "rep_a2": 403, "manager_a": 200,
                 "manager_b": 404, "rep_b": 403, "admin": 200}


def check(resp, expected):
    if expected == "login":
        assert is_login_redirect(resp), resp.status_code
    else:
        assert resp.status_code == expected


@pytest.mark.parametrize("who", ROLES)
def test_get_pages_matrix(world, client, login, who):
    activity = f.activity(world.rep_a)
    db.session.commit()
    c = as_(world, client, login, who)
    check(c.get("/me/activities/new"), NEW[who])
    check(c.get("/me/activities"), MY_LIST[who])
    check(c.get(f"/me/activities/{activity.id}"), DETAIL[who])
    check(c.get(f"/me/activities/{activity.id}/edit"), DETAIL[who])
    check(c.get("/manage/queue"), QUEUE[who])
    check(c.get(f"/manage/activities/{activity.id}"), MANAGE_DETAIL[who])


@pytest.mark.parametrize("who,expected", [
    ("anonymous", "login"), ("rep_a", 302), ("rep_a2", 404), ("manager_a", 302),
    ("manager_b", 404), ("rep_b", 404), ("admin", 302)])
def test_edit_post_matrix(world, client, login, who, expected):
    activity = f.activity(world.rep_a)
    db.session.commit()
    resp = as_(world, client, login, who).post(f"/me/activities/{activity.id}/edit",
                                               data=form(title="改过的", action="save"))
    check(resp, expected)
    db.session.expire_all()
    assert (db.session.get(Activity, activity.id).title == "改过的") == (expected == 302)


@pytest.mark.parametrize("who,expected", [
    ("anonymous", "login"), ("rep_a", 302), ("rep_a2", 404), ("manager_a", 302),
    ("manager_b", 404), ("rep_b", 404), ("admin", 302)])
def test_delete_matrix(world, client, login, who, expected):
    activity_id = f.activity(world.rep_a).id
    db.session.commit()
    check(as_(world, client, login, who).post(f"/me/activities/{activity_id}/delete"), expected)
    assert (db.session.get(Activity, activity_id) is None) == (expected == 302)


@pytest.mark.parametrize("who,expected", [
    ("anonymous", "login"), ("rep_a", 302), ("rep_a2", 404), ("manager_a", 302),
    ("manager_b", 404), ("rep_b", 404), ("admin", 403)])
def test_submit_matrix(world, client, login, who, expected):
    activity = f.activity(world.rep_a, status=S.DRAFT)
    db.session.commit()
    check(as_(world, client, login, who).post(f"/me/activities/{activity.id}/submit"), expected)
    db.session.expire_all()
    assert (db.session.get(Activity, activity.id).status == S.SUBMITTED) == (expected == 302)


@pytest.mark.parametrize("action", ["verify", "return"])
@pytest.mark.parametrize("who,expected", [
    ("anonymous", "login"), ("rep_a", 403), ("rep_a2", 403), ("manager_a", 303),
    ("manager_b", 404), ("rep_b", 403), ("admin", 303)])
def test_review_matrix(world, client, login, who, expected, action):
    activity = f.activity(world.rep_a)
    db.session.commit()
    resp = as_(world, client, login, who).post(f"/manage/activities/{activity.id}/{action}",
                                               data={"comment": "请补充"})
    check(resp, expected)
    db.session.expire_all()
    status = db.session.get(Activity, activity.id).status
    changed = S.VERIFIED if action == "verify" else S.RETURNED
    assert (status == changed) == (expected == 303)


@pytest.mark.parametrize("who,expected", [
    ("anonymous", "login"), ("rep_a", 403), ("manager_a", 303), ("manager_b", 303),
    ("rep_b", 403), ("admin", 303)])
def test_bulk_verify_matrix(world, client, login, who, expected):
    activity = f.activity(world.rep_a)
    db.session.commit()
    check(as_(world, client, login, who).post("/manage/queue/verify", data={"ids": [activity.id]}),
          expected)
    db.session.expire_all()
    verified = db.session.get(Activity, activity.id).status == S.VERIFIED
    assert verified == (who in ("manager_a", "admin"))  # manager_b's request skips it


# ------------------------------------------------------------------ the form

def test_form_defaults_and_choices(world, login):
    mine = f.worker(linked_by=world.rep_a, name="王工")
    f.worker(linked_by=world.rep_a2, name="李工")
    f.representative(world.home_a, name="停用代表", active=False)
    db.session.commit()
    page = login(world.rep_a).get("/me/activities/new").get_data(as_text=True)
    assert f'value="{today().isoformat()}"' in page  # date defaults to today
    assert "王工" in page and "李工" not in page      # only MY linked workers
    assert f'value="{mine.id}"' in page
    assert "代表乙" in page and "停用代表" not in page and "代表丙" not in page
    assert "代表甲" not in page.split("联合组织代表")[1]  # not myself
    assert 'data-theme="party_building"' in page and "<optgroup" in page  # works without JS
    assert "js/activity_form." in page and "<script>" not in page
    assert "保存草稿" in page and "提交审核" in page
    assert 'type="file"' in page and "multiple" in page
    assert 'style="' not in page


def test_create_submit_and_draft(world, login):
    w1 = f.worker(linked_by=world.rep_a)
    db.session.commit()
    client = login(world.rep_a)
    resp = client.post("/me/activities/new", data=form(worker_ids=[str(w1.id)],
                                                       co_organizer_ids=[str(world.rep_a2.id)],
                                                       published="1"))
    assert resp.status_code == 302
    activity = db.session.scalar(sa.select(Activity))
    assert activity.status == S.SUBMITTED and activity.published is True
    assert [u.id for u in activity.co_organizers] == [world.rep_a2.id]
    assert db.session.scalar(sa.select(sa.func.count(ContactRecord.id))) == 1
    client.post("/me/activities/new", data=form(action="draft", title="草稿"))
    draft = db.session.scalar(sa.select(Activity).where(Activity.title == "草稿"))
    assert draft.status == S.DRAFT and draft.published is False


def test_kind_of_another_theme_refused_without_js(world, login):
    resp = login(world.rep_a).post("/me/activities/new",
                                   data=form(theme="party_building", kind="salon"))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "不属于主题" in page and 'data-field="kind"' in page
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0


@pytest.mark.parametrize("field,value,message", [
    ("title", "", "请填写活动名称"), ("title", "题" * 201, "活动名称不能超过200个字符"),
    ("summary", "文" * 10001, "活动内容不能超过10000个字符"),
    ("participants", "100001", "参与人数应在0到100000之间"),
    ("date", "1999-12-31", "活动日期不能早于2000-01-01"),
    ("mode", "x", "活动形式无效"), ("location", "地" * 201, "活动地点不能超过200个字符"),
])
def test_form_errors_name_the_field_in_chinese(world, login, field, value, message):
    resp = login(world.rep_a).post("/me/activities/new", data=form(**{field: value}))
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert message in page and f'data-field="{field}"' in page
    assert db.session.scalar(sa.select(sa.func.count(Activity.id))) == 0


def test_form_refuses_tomorrow(world, login):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    resp = login(world.rep_a).post("/me/activities/new", data=form(date=tomorrow))
    assert resp.status_code == 422 and "活动日期不能晚于" in resp.get_data(as_text=True)


def test_form_keeps_values_after_error(world, login):
    resp = login(world.rep_a).post("/me/activities/new", data=form(title="", summary="保留这段内容"))
    assert "保留这段内容" in resp.get_data(as_text=True)


def test_form_says_the_chosen_photos_were_not_saved_after_an_error(world, login):
    """A browser cannot keep chosen files across a page: after a refused submission the form
    says the photos must be chosen again (the good ones beside a bad one were not kept)."""
    from io import BytesIO

    from PIL import Image
    photo = BytesIO()
    Image.new("RGB", (40, 30)).save(photo, "JPEG")
    photo.seek(0)
    data = form(title="", attachments=[(photo, "合影.jpg"), (BytesIO(b"not a photo"), "x.jpg")])
    resp = login(world.rep_a).post("/me/activities/new", data=data,
                                   content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'data-testid="files-not-saved"' in html and "已选的 2 个文件没有保存" in html
    resp = login(world.rep_a).post("/me/activities/new", data=form(title=""))
    assert 'data-testid="files-not-saved"' not in resp.get_data(as_text=True)


def test_manager_creates_via_form(world, login):
    w = f.worker(linked_by=world.rep_a2)
    db.session.commit()
    resp = login(world.manager_a).post("/me/activities/new", data=form(worker_ids=[str(w.id)]))
    assert resp.status_code == 302 and "/manage/activities/" in resp.headers["Location"]
    activity = db.session.scalar(sa.select(Activity))
    assert activity.organizer_id == world.manager_a.id and activity.home_id == world.home_a.id


def test_verified_edit_page_refused_for_organiser_and_manager(world, login):
    activity = f.activity(world.rep_a, status=S.VERIFIED)
    db.session.commit()
    assert login(world.rep_a).get(f"/me/activities/{activity.id}/edit").status_code == 403
    assert login(world.manager_a).get(f"/me/activities/{activity.id}/edit").status_code == 403
    assert login(world.rep_a).post(f"/me/activities/{activity.id}/delete").status_code == 403
    assert login(world.admin).get(f"/me/activities/{activity.id}/edit").status_code == 200


def test_returned_edit_then_submit(world, login):
    activity = f.activity(world.rep_a, status=S.RETURNED, review_comment="缺少照片")
    db.session.commit()
    client = login(world.rep_a)
    page = client.get(f"/me/activities/{activity.id}/edit").get_data(as_text=True)
    assert "缺少照片" in page and "提交审核" in page
    client.post(f"/me/activities/{activity.id}/edit", data=form(summary="已补充", action="submit"))
    db.session.expire_all()
    activity = db.session.get(Activity, activity.id)
    assert activity.status == S.SUBMITTED and activity.summary == "已补充"


# ------------------------------------------------------------------ my activities

def test_my_activities_includes_co_organised_newest_first_filters(world, login):
    old = f.activity(world.rep_a, date=date(2025, 6, 1), title="旧活动")
    new = f.activity(world.rep_a, date=date(2026, 2, 1), title="新活动", status=S.DRAFT)
    co = f.activity(world.rep_a2, date=date(2026, 1, 1), title="联合活动")
    co.co_organizers = [world.rep_a]
    f.activity(world.rep_a2, title="别人的活动")
    db.session.commit()
    client = login(world.rep_a)
    page = client.get("/me/activities").get_data(as_text=True)
    assert page.index("新活动") < page.index("联合活动") < page.index("旧活动")
    assert "别人的活动" not in page
    assert "旧活动" not in client.get("/me/activities?year=2026").get_data(as_text=True)
    drafts = client.get("/me/activities?status=draft").get_data(as_text=True)
    assert "新活动" in drafts and "联合活动" not in drafts
    assert "旧活动" not in client.get("/me/activities?theme=innovation").get_data(as_text=True)
    assert new.id and old.id


def test_my_activities_statement_count(world, login):
    client = login(world.rep_a)
    workers = [f.worker(linked_by=world.rep_a) for _ in range(3)]
    for _ in range(3):
        f.activity(world.rep_a).workers = workers
    db.session.commit()
    with count_statements() as few:
        client.get("/me/activities")
    for _ in range(15):
        f.activity(world.rep_a).workers = workers
    db.session.commit()
    with count_statements() as many:
        client.get("/me/activities")
    assert len(many) == len(few)


# ------------------------------------------------------------------ queue

def test_queue_oldest_first_own_home_only(world, login):
    base = datetime(2026, 3, 1, tzinfo=UTC)
    newer = f.activity(world.rep_a, title="后提交", submitted_at=base + timedelta(days=2))
    older = f.activity(world.rep_a2, title="先提交", submitted_at=base)
    f.activity(world.rep_a, title="草稿活动", status=S.DRAFT)
    f.activity(world.rep_b, title="外家活动", submitted_at=base - timedelta(days=1))
    db.session.commit()
    page = login(world.manager_a).get("/manage/queue").get_data(as_text=True)
    assert page.index("先提交") < page.index("后提交")
    assert "草稿活动" not in page and "外家活动" not in page
    assert f'value="{older.id}"' in page and f'value="{newer.id}"' in page
    admin_page = login(world.admin).get("/manage/queue").get_data(as_text=True)
    assert admin_page.index("外家活动") < admin_page.index("先提交")


def test_queue_statement_count(world, login):
    client = login(world.manager_a)
    for _ in range(3):
        f.activity(world.rep_a)
    db.session.commit()
    with count_statements() as few:
        client.get("/manage/queue")
    for _ in range(20):
        f.activity(world.rep_a2)
    db.session.commit()
    with count_statements() as many:
        client.get("/manage/queue")
    assert len(many) == len(few)


def test_bulk_verify_page(world, login):
    w = f.worker(linked_by=world.rep_a)
    a1 = f.activity(world.rep_a)
    a1.workers = [w]
    a2 = f.activity(world.rep_a2)
    foreign = f.activity(world.rep_b)
    db.session.commit()
    resp = login(world.manager_a).post("/manage/queue/verify",
                                       data={"ids": [a1.id, a2.id, foreign.id]})
    assert resp.status_code == 303
    db.session.expire_all()
    assert db.session.get(Activity, a1.id).status == S.VERIFIED
    assert db.session.get(Activity, a2.id).status == S.VERIFIED
    assert db.session.get(Activity, foreign.id).status == S.SUBMITTED
    # nothing selected: a message, nothing changes
    resp = login(world.manager_a).post("/manage/queue/verify", data={}, follow_redirects=True)
    assert "请至少选择一个活动" in resp.get_data(as_text=True)


def test_return_requires_a_reason_and_notifies(world, login):
    w = f.worker(linked_by=world.rep_a)
    activity = f.activity(world.rep_a)
    db.session.commit()
    client = login(world.manager_a)
    resp = client.post(f"/manage/activities/{activity.id}/return", data={"comment": " "},
                       follow_redirects=True)
    assert "退回时必须填写退回原因" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).status == S.SUBMITTED
    client.post(f"/manage/activities/{activity.id}/return", data={"comment": "请补充签到表"})
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).status == S.RETURNED
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == world.rep_a.id))
    assert "请补充签到表" in note.body
    assert w.id  # the worker is linked; returned activities create no contacts
    assert db.session.scalar(sa.select(sa.func.count(ContactRecord.id))) == 0
    page = login(world.rep_a).get(f"/me/activities/{activity.id}").get_data(as_text=True)
    assert "请补充签到表" in page and "提交审核" in page


def test_review_of_verified_is_409(world, login):
    activity = f.activity(world.rep_a, status=S.VERIFIED)
    db.session.commit()
    resp = login(world.manager_a).post(f"/manage/activities/{activity.id}/verify")
    assert resp.status_code == 409


def test_manager_detail_shows_review_forms(world, login):
    activity = f.activity(world.rep_a)
    db.session.commit()
    page = login(world.manager_a).get(f"/manage/activities/{activity.id}").get_data(as_text=True)
    assert "审核通过" in page and "退回原因" in page
    rep_page = login(world.rep_a).get(f"/me/activities/{activity.id}").get_data(as_text=True)
    assert "审核通过" not in rep_page


def test_navigation_links_exist(world, login):
    page = login(world.rep_a).get("/me/activities").get_data(as_text=True)
    assert 'href="/me/activities/new"' in page
    page = login(world.manager_a).get("/manage/queue").get_data(as_text=True)
    assert 'href="/manage/queue"' in page
