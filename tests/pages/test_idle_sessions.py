"""Session lifetimes of SPEC §5.13: idle timeout, 12 hours at most, "remember me" for representatives
only and at most 7 days; an ended login's page form is given back and posts again after a new login."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Application, LoginSession
from models.base import utcnow
from models.enums import UnitKind
from services import clock
from tests.conftest import login_form
from tests.pages.test_lost_token import _form_of
from tests.support import factories as f

SITE = {"Origin": "http://localhost"}
SCHEME = "在社区开展面向老年人的科普讲座和智能手机培训。\n" * 48


def _row(user) -> LoginSession:
    _db.session.expire_all()
    return _db.session.scalar(sa.select(LoginSession).where(LoginSession.user_id == user.id))


def _age(user, **values):
    _db.session.execute(sa.update(LoginSession).where(LoginSession.user_id == user.id).values(**values))
    _db.session.commit()


def _is_login(resp):
    return resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_an_idle_login_ends(client, world):
    login_form(client, world.rep_a)
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=31))
    assert _is_login(client.get("/account/"))


def test_a_used_login_lives_on_and_is_noted(client, world):
    login_form(client, world.rep_a)
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=29))
    assert client.get("/account/").status_code == 200
    assert _row(world.rep_a).last_seen_at > utcnow() - timedelta(minutes=1)
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=29))
    assert client.get("/account/").status_code == 200  # 29 + 29 minutes: still open


def test_idle_timeout_follows_the_setting(app, client, world):
    app.config["IDLE_TIMEOUT_MINUTES"] = 5
    try:
        login_form(client, world.rep_a)
        _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=6))
        assert _is_login(client.get("/account/"))
    finally:
        app.config["IDLE_TIMEOUT_MINUTES"] = 30


def test_no_login_lasts_more_than_twelve_hours(client, world):
    login_form(client, world.admin)
    row = _row(world.admin)
    assert row.expires_at - row.created_at == timedelta(hours=12) and not row.remember
    _age(world.admin, expires_at=utcnow() - timedelta(seconds=1), last_seen_at=utcnow())
    assert _is_login(client.get("/account/"))


def test_remember_me_is_seven_days_for_representatives(client, world):
    resp = login_form(client, world.rep_a, remember="y")
    assert any(c.startswith("remember_token=") for c in resp.headers.getlist("Set-Cookie"))
    row = _row(world.rep_a)
    assert row.remember and row.expires_at - row.created_at == timedelta(days=7)
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(hours=3))
    assert client.get("/account/").status_code == 200


@pytest.mark.parametrize("who", ["admin", "manager_a"])
def test_remember_me_is_never_honoured_for_administrators(client, world, who):
    user = getattr(world, who)
    resp = login_form(client, user, remember="y")
    assert not any(c.startswith("remember_token=") for c in resp.headers.getlist("Set-Cookie"))
    assert not _row(user).remember


def test_login_page_offers_remember_me_to_representatives_only(client, db):
    assert "仅限代表" in client.get("/login").get_data(as_text=True)


@pytest.fixture()
def applicant(world, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 6, 1))
    unit = f.unit(name="江苏省计算机学会", kind=UnitKind.PROVINCIAL_SOCIETY)
    user = f.user(f.Role.HOME_MANAGER, unit_id=unit.id, username="applicant")
    rnd = f.round_(year=2026, deadline=date(2026, 6, 30), quota=10)
    _db.session.commit()
    return user, rnd


def test_long_forms_warn_before_the_login_ends(client, applicant):
    user, _ = applicant
    login_form(client, user)
    html = client.get("/applications/new").get_data(as_text=True)
    assert 'data-idle-minutes="30"' in html and "js/idle_warning." in html
    script = client.get("/static/js/idle_warning.js").get_data(as_text=True)
    assert "data-idle-minutes" in script and "textarea" in script


def test_an_ended_login_gives_the_form_back_and_one_click_posts_it(client, applicant):
    user, rnd = applicant
    login_form(client, user)
    _age(user, last_seen_at=utcnow() - timedelta(minutes=45))
    data = {"round_id": str(rnd.id), "scheme": SCHEME, "contact_name": "李四",
            "contact_mobile": "13912345678", "email": "a@b.cn", "pledge": "y", "save": "保存草稿",
            "password": "Never-echoed-1"}
    resp = client.post("/applications/new", data=data, headers=SITE)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 401 and "登录已结束" in html and "重新登录" in html
    assert SCHEME.splitlines()[0] in html and "Never-echoed-1" not in html
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0
    # Logged in again (in another window), the kept form posts once more.
    assert login_form(client, user).status_code == 302
    form = _form_of(html)
    kept = dict(form.fields)
    assert kept["password"] == "" and kept["contact_name"] == "李四"
    resp = client.post(form.action, data=kept, headers=SITE)
    assert resp.status_code == 302
    assert _db.session.scalar(sa.select(Application.scheme)) == SCHEME.strip()


def test_an_ended_login_without_a_form_goes_to_the_login_page(client, world):
    resp = client.get("/account/")
    assert _is_login(resp) and "next=" in resp.headers["Location"]
    resp = client.post("/account/", data={"x": "1"})  # no Origin: not rescued
    assert _is_login(resp)
