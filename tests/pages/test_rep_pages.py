"""Representative pages: 我的, workers, contact records, appeals — content, bad input, access."""
from datetime import date

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Appeal, ContactRecord, Worker, WorkerLink
from services.clock import today
from tests.support import factories as f


def test_me_shows_progress_workers_themes_and_returns(world, login):
    rep = world.rep_a
    done = [f.worker(linked_by=rep, name=f"已联系{i}") for i in range(3)]
    f.worker(linked_by=rep, name="未联系者")
    for w in done:
        f.contact(rep, w, today())
    f.contact(rep, done[0], today())  # same worker twice: still 3
    f.activity(rep, status="verified", date=today(), theme="innovation", kind="salon")
    co = f.activity(world.rep_a2, status="verified", date=today(), theme="innovation", kind="salon")
    co.co_organizers.append(rep)
    back = f.activity(rep, status="returned", date=today(), title="被退回的座谈",
                      review_comment="请补充照片")
    html = login(rep).get("/me/").get_data(as_text=True)
    assert 'data-testid="contacted-count">3<' in html
    assert "/ 5 人" in html and "还需联系 2 位" in html
    assert 'data-progress="60"' in html
    contacted_part = html.split('data-testid="contacted-workers"')[1].split("</ul>")[0]
    pending_part = html.split('data-testid="pending-workers"')[1].split("</ul>")[0]
    assert all(f"已联系{i}" in contacted_part for i in range(3))
    assert "未联系者" in pending_part and "未联系者" not in contacted_part
    assert "<td>代表+创新</td><td>2</td>" in html  # own + co-organised, verified
    assert "被退回的座谈" in html and "请补充照片" in html
    assert f'href="/me/activities/{back.id}"' in html  # activities.detail exists
    assert "记录联系" in html and 'style="' not in html


def test_me_compliant_message(world, login):
    for _ in range(5):
        f.contact(world.rep_a, f.worker(linked_by=world.rep_a), today())
    html = login(world.rep_a).get("/me/").get_data(as_text=True)
    assert "已达标" in html and 'data-progress="100"' in html


def test_add_worker_links_it(world, login):
    client = login(world.rep_a)
    resp = client.post("/me/workers", data={"action": "add", "add-name": "张工",
                                            "add-work_unit": "东南大学", "add-mobile": "13912345678"})
    assert resp.status_code == 302
    worker = _db.session.scalar(sa.select(Worker).where(Worker.name == "张工"))
    assert _db.session.get(WorkerLink, (world.rep_a.id, worker.id)) is not None
    html = client.get("/me/workers").get_data(as_text=True)
    assert "张工" in html and "13912345678" in html  # the linking representative sees it all


@pytest.mark.parametrize("data, field_message", [
    ({"add-name": ""}, "请填写姓名"),
    ({"add-name": "甲" * 51}, "姓名不能超过50个字符"),
    ({"add-name": "张", "add-mobile": "12345"}, "手机号应为11位中国大陆手机号"),
    ({"add-name": "张", "add-email": "bad"}, "电子信箱格式不正确"),
    ({"add-name": "张", "add-work_unit": "单" * 101}, "工作单位不能超过100个字符"),
])
def test_add_worker_bad_input(world, login, data, field_message):
    resp = login(world.rep_a).post("/me/workers", data={"action": "add", **data})
    assert resp.status_code == 422
    assert field_message in resp.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(Worker.id))) == 0


def test_link_existing_worker_by_mobile(world, login):
    """The link form asks for the name too (SPEC §3): the same normalised name links."""
    w = f.worker(linked_by=world.rep_a2, mobile="13700001111", name="古丽米热·艾比布力")
    client = login(world.rep_a)
    assert "该科技工作者的姓名" in client.get("/me/workers").get_data(as_text=True)
    assert client.post("/me/workers", data={"action": "link", "link-mobile": "13700001111",
                                            "link-name": "古丽米热・艾比布力"}).status_code == 302
    assert _db.session.get(WorkerLink, (world.rep_a.id, w.id)) is not None
    resp = client.post("/me/workers", data={"action": "link", "link-mobile": "13700001111",
                                            "link-name": w.name})
    assert resp.status_code == 409 and "您已关联该科技工作者" in resp.get_data(as_text=True)
    resp = client.post("/me/workers", data={"action": "link", "link-mobile": "13700009999",
                                            "link-name": "某人"})
    assert resp.status_code == 422 and "未找到" in resp.get_data(as_text=True)


def test_edit_and_unlink_worker(world, login):
    w = f.worker(linked_by=world.rep_a)
    f.contact(world.rep_a, w)
    client = login(world.rep_a)
    resp = client.post(f"/me/workers/{w.id}/edit", data={"name": "新名字", "mobile": "13600000000"})
    assert resp.status_code == 302
    assert _db.session.get(Worker, w.id).name == "新名字"
    resp = client.post(f"/me/workers/{w.id}/edit", data={"name": "", "mobile": "1"})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "请填写姓名" in html and "手机号应为11位中国大陆手机号" in html
    assert _db.session.get(Worker, w.id).name == "新名字"
    assert client.post(f"/me/workers/{w.id}/unlink").status_code == 302
    assert _db.session.get(WorkerLink, (world.rep_a.id, w.id)) is None
    assert _db.session.scalar(sa.select(sa.func.count(ContactRecord.id))) == 1  # history kept
    assert client.get(f"/me/workers/{w.id}").status_code == 404


def test_contact_new_and_delete(world, login):
    w = f.worker(linked_by=world.rep_a)
    client = login(world.rep_a)
    assert client.get(f"/me/contacts/new?worker_id={w.id}").status_code == 200
    resp = client.post("/me/contacts/new", data={"worker_id": str(w.id), "date": "2026-01-05",
                                                 "channel": "phone", "summary": "电话交流"})
    assert resp.status_code == 302
    record = _db.session.scalar(sa.select(ContactRecord))
    assert record.channel.value == "phone" and record.date == date(2026, 1, 5)
    html = client.get(f"/me/workers/{w.id}").get_data(as_text=True)
    assert "电话交流" in html
    assert client.post(f"/me/contacts/{record.id}/delete").status_code == 302
    assert _db.session.scalar(sa.select(sa.func.count(ContactRecord.id))) == 0


def test_activity_contact_cannot_be_deleted_on_page(world, login):
    w = f.worker(linked_by=world.rep_a)
    act = f.activity(world.rep_a)
    record = f.contact(world.rep_a, w, channel="activity", activity_id=act.id)
    client = login(world.rep_a)
    resp = client.post(f"/me/contacts/{record.id}/delete", follow_redirects=True)
    assert "随活动删除" in resp.get_data(as_text=True)
    assert _db.session.get(ContactRecord, record.id) is not None


@pytest.mark.parametrize("data, message", [
    ({"date": "2999-01-01", "channel": "visit"}, "联系日期不能晚于"),
    ({"date": "1999-12-31", "channel": "visit"}, "联系日期不能早于2000-01-01"),
    ({"date": "2026-01-05", "channel": "activity"}, "由活动自动生成"),
    ({"date": "2026-01-05", "channel": "fax"}, "联系方式无效"),
    ({"date": "2026-01-05", "channel": "visit", "summary": "字" * 2001}, "联系内容不能超过2000个字符"),
    ({"date": "", "channel": "visit"}, "请填写联系日期"),
])
def test_contact_bad_input(world, login, data, message):
    w = f.worker(linked_by=world.rep_a)
    resp = login(world.rep_a).post("/me/contacts/new", data={"worker_id": str(w.id), **data})
    assert resp.status_code == 422
    assert message in resp.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(ContactRecord.id))) == 0


def test_contact_with_unlinked_worker_refused(world, login):
    other = f.worker(linked_by=world.rep_a2)
    resp = login(world.rep_a).post("/me/contacts/new", data={
        "worker_id": str(other.id), "date": "2026-01-05", "channel": "visit"})
    assert resp.status_code == 422 and "只能为您已关联的科技工作者记录联系" in resp.get_data(as_text=True)
    assert _db.session.scalar(sa.select(sa.func.count(ContactRecord.id))) == 0


def test_appeals_page(world, login):
    w = f.worker(linked_by=world.rep_a, name="李研究员")
    client = login(world.rep_a)
    assert client.post("/me/appeals", data={"category": "career", "content": "希望增加青年人才项目",
                                             "worker_id": str(w.id)}).status_code == 302
    assert client.post("/me/appeals", data={"category": "policy", "content": "匿名建议",
                                             "worker_id": ""}).status_code == 302
    f.appeal(world.rep_a2, content="别人的诉求")
    html = client.get("/me/appeals").get_data(as_text=True)
    assert "希望增加青年人才项目" in html and "李研究员" in html and "匿名建议" in html
    assert "别人的诉求" not in html
    resp = client.post("/me/appeals", data={"category": "x", "content": ""})
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert "请填写诉求内容" in html
    assert _db.session.scalar(sa.select(sa.func.count(Appeal.id))) == 3


# --- access matrix ---------------------------------------------------------------------------

def _rep_urls(w_id, c_id):
    return [("get", "/me/"), ("get", "/me/workers"), ("get", f"/me/workers/{w_id}"),
            ("get", f"/me/workers/{w_id}/edit"), ("get", "/me/contacts/new"),
            ("get", "/me/appeals"), ("post", f"/me/workers/{w_id}/unlink"),
            ("post", f"/me/contacts/{c_id}/delete"), ("post", "/me/contacts/new"),
            ("post", "/me/appeals"), ("post", "/me/workers")]


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("manager_a", 403), ("manager_b", 403), ("admin", 403),
])
def test_rep_pages_other_roles(world, client, login, who, expected):
    w = f.worker(linked_by=world.rep_a)
    c = f.contact(world.rep_a, w)
    web = client if who == "anonymous" else login(getattr(world, who))
    for method, url in _rep_urls(w.id, c.id):
        resp = getattr(web, method)(url)
        assert resp.status_code == expected, (who, url)
        if expected == 302:
            assert "/login" in resp.headers["Location"]


@pytest.mark.parametrize("who", ["rep_a2", "rep_b"])
def test_other_representatives_get_404_on_my_objects(world, login, who):
    w = f.worker(linked_by=world.rep_a)
    c = f.contact(world.rep_a, w)
    web = login(getattr(world, who))
    for method, url in _rep_urls(w.id, c.id)[2:4] + _rep_urls(w.id, c.id)[6:8]:
        assert getattr(web, method)(url).status_code == 404, url
    assert _db.session.get(ContactRecord, c.id) is not None


@pytest.mark.parametrize("who", ["manager_a", "manager_b", "admin"])
def test_other_roles_write_nothing(world, login, who):
    w = f.worker(linked_by=world.rep_a)
    web = login(getattr(world, who))
    web.post("/me/contacts/new", data={"worker_id": str(w.id), "date": "2026-01-05",
                                       "channel": "visit"})
    web.post("/me/appeals", data={"category": "other", "content": "x"})
    web.post("/me/workers", data={"action": "add", "add-name": "新"})
    assert _db.session.scalar(sa.select(sa.func.count(ContactRecord.id))) == 0
    assert _db.session.scalar(sa.select(sa.func.count(Appeal.id))) == 0
    assert _db.session.scalar(sa.select(sa.func.count(Worker.id))) == 1


def test_owner_can_open_every_page(world, login):
    w = f.worker(linked_by=world.rep_a)
    c = f.contact(world.rep_a, w)
    web = login(world.rep_a)
    for method, url in _rep_urls(w.id, c.id)[:6]:
        assert getattr(web, method)(url).status_code == 200, url
