"""The notification centre: own notifications only (another user's is 404), unread first, mark one
read and follow its link, mark all read, the unread count in the navigation, no N+1."""
import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Notification
from models.base import utcnow
from services.notifications import notify

ROLES = ["admin", "manager_a", "manager_b", "rep_a", "rep_b"]


def note(user, title, link="", read=False, age=0):
    n = notify(user, "test", title, f"{title}的正文\n第二行", link=link)
    n.created_at = utcnow() - timedelta(minutes=age)
    if read:
        n.read_at = utcnow()
    _db.session.flush()
    return n


def is_read(n):
    _db.session.expire_all()
    return _db.session.get(Notification, n.id).read_at is not None


@pytest.mark.parametrize("method, path", [
    ("get", "/notifications/"), ("post", "/notifications/1/read"), ("post", "/notifications/read-all"),
])
def test_anonymous_is_sent_to_login(client, db, method, path):
    resp = getattr(client, method)(path)
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


@pytest.mark.parametrize("who", ROLES)
def test_every_signed_in_user_sees_only_their_own(client, login, world, who):
    user = getattr(world, who)
    for other in ROLES:
        note(getattr(world, other), f"给{other}的通知")
    _db.session.commit()
    login(user)
    html = client.get("/notifications/").get_data(as_text=True)
    assert f"给{who}的通知" in html
    assert "第二行" in html and "<br>" in html
    for other in ROLES:
        if other != who:
            assert f"给{other}的通知" not in html
    assert 'data-testid="unread-count">1<' in html     # the navigation's unread badge


@pytest.mark.parametrize("who", ROLES)
def test_another_users_notification_is_404_and_untouched(client, login, world, who):
    user = getattr(world, who)
    victim = world.rep_a2
    theirs = note(victim, "别人的", link="/somewhere")
    _db.session.commit()
    login(user)
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert client.post("/notifications/999999/read").status_code == 404
    assert not is_read(theirs)


def test_unread_first_then_newest(client, login, world):
    note(world.rep_a, "旧的已读", read=True, age=1)
    note(world.rep_a, "旧的未读", age=30)
    note(world.rep_a, "新的未读", age=2)
    note(world.rep_a, "更旧的已读", read=True, age=60)
    _db.session.commit()
    login(world.rep_a)
    html = client.get("/notifications/").get_data(as_text=True)
    order = [html.index(t) for t in ("新的未读", "旧的未读", "旧的已读", "更旧的已读")]
    assert order == sorted(order)
    unread_only = client.get("/notifications/?show=unread").get_data(as_text=True)
    assert "新的未读" in unread_only and "旧的已读" not in unread_only


def test_mark_one_read_follows_its_link(client, login, world):
    mine = note(world.rep_a, "去看看", link="/rep/me")
    other = note(world.rep_a, "另一条")
    _db.session.commit()
    login(world.rep_a)
    resp = client.post(f"/notifications/{mine.id}/read", data={"follow": "1"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/rep/me"
    assert is_read(mine) and not is_read(other)


def test_mark_read_without_following_returns_to_the_list(client, login, world):
    mine = note(world.rep_a, "只标已读", link="/rep/me")
    _db.session.commit()
    login(world.rep_a)
    resp = client.post(f"/notifications/{mine.id}/read", data={"follow": "0"})
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/notifications/")
    assert is_read(mine)


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)",
                                  ""])
def test_foreign_or_missing_links_are_not_followed(client, login, world, link):
    mine = note(world.rep_a, "外链", link=link)
    _db.session.commit()
    login(world.rep_a)
    resp = client.post(f"/notifications/{mine.id}/read")
    assert resp.headers["Location"].startswith("/notifications/")
    assert is_read(mine)


def test_mark_all_read_touches_only_mine(client, login, world):
    a = [note(world.rep_a, f"甲{i}") for i in range(3)]
    b = note(world.rep_b, "丙的")
    _db.session.commit()
    login(world.rep_a)
    resp = client.post("/notifications/read-all", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "已将 3 条通知标为已读" in html
    assert 'data-testid="unread-count"' not in html
    assert all(is_read(n) for n in a) and not is_read(b)
    again = client.post("/notifications/read-all", follow_redirects=True).get_data(as_text=True)
    assert "没有未读通知" in again


def test_pagination(client, login, world):
    for i in range(25):
        note(world.rep_a, f"第{i:02d}条", age=i)
    _db.session.commit()
    login(world.rep_a)
    first = client.get("/notifications/").get_data(as_text=True)
    following = re.search(r'rel="next" href="([^"]+)"', first).group(1)
    second = client.get(html.unescape(following)).get_data(as_text=True)
    assert first.count('data-testid="notification"') == 20
    assert second.count('data-testid="notification"') == 5
    assert "第00条" in first and "第24条" in second


def test_list_has_no_n_plus_one(client, login, world):
    from tests.conftest import count_statements
    for i in range(3):
        note(world.rep_a, f"少{i}")
    _db.session.commit()
    login(world.rep_a)
    with count_statements() as few:
        client.get("/notifications/")
    for i in range(17):
        note(world.rep_a, f"多{i}", link="/x")
    _db.session.commit()
    with count_statements() as many:
        client.get("/notifications/")
    assert len(many) == len(few)


def test_job_notifications_appear_with_their_links(client, login, world):
    from datetime import date

    from jobs.runner import run_job
    world.home_a.expires_on = date(2026, 12, 31)
    _db.session.commit()
    run_job("validity_watch", date(2026, 11, 1))
    login(world.manager_a)
    html = client.get("/notifications/").get_data(as_text=True)
    assert "有效期至2026-12-30" in html
    n = _db.session.scalar(sa.select(Notification).where(Notification.user_id == world.manager_a.id))
    assert n.link
    resp = client.post(f"/notifications/{n.id}/read")
    assert resp.headers["Location"] == n.link


# ---------------------------------------------------------------- JSON API (blueprints/api/notifications.py)

@pytest.fixture()
def api_as(api):
    """API clients as a given user (the notifications API is registered by init_api)."""
    return api


def test_api_requires_a_token(api_as, world):
    anon = api_as(None)
    for resp in (anon.get("/notifications"), anon.post("/notifications/1/read"),
                 anon.post("/notifications/read-all")):
        assert resp.status_code == 401
        assert resp.get_json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("who", ROLES)
def test_api_lists_only_my_notifications_unread_first(api_as, world, who):
    user = getattr(world, who)
    note(user, "已读的", read=True, age=0)
    note(user, "未读的", link="/x", age=10)
    note(world.rep_a2, "别人的")
    _db.session.commit()
    body = api_as(user).get("/notifications").get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 20
    assert [i["title"] for i in body["items"]] == ["未读的", "已读的"]
    assert body["items"][0]["link"] == "/x" and body["items"][0]["read_at"] is None
    unread = api_as(user).get("/notifications?unread=true").get_json()
    assert [i["title"] for i in unread["items"]] == ["未读的"]


def test_api_bad_paging_is_422(api_as, world):
    resp = api_as(world.rep_a).get("/notifications?per_page=101")
    assert resp.status_code == 422 and "per_page" in resp.get_json()["error"]["fields"]


@pytest.mark.parametrize("who", ROLES)
def test_api_mark_read_own_only(api_as, world, who):
    user = getattr(world, who)
    mine = note(user, "我的")
    theirs = note(world.rep_a2, "别人的")
    _db.session.commit()
    client = api_as(user)
    resp = client.post(f"/notifications/{theirs.id}/read")
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    assert not is_read(theirs)
    resp = client.post(f"/notifications/{mine.id}/read")
    assert resp.status_code == 200 and resp.get_json()["read_at"] is not None
    assert is_read(mine)


def test_api_read_all(api_as, world):
    a = [note(world.rep_a, f"甲{i}") for i in range(2)]
    b = note(world.rep_b, "丙")
    _db.session.commit()
    resp = api_as(world.rep_a).post("/notifications/read-all")
    assert resp.status_code == 200 and resp.get_json() == {"changed": 2, "unread": 0}
    assert all(is_read(n) for n in a) and not is_read(b)
