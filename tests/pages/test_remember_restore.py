"""A remembered login (representatives only) restored after its browser session ended — idle for
IDLE_TIMEOUT_MINUTES or begun more than 12 hours ago — is a new login (SPEC §5.13): audited as
login_success (how "remember", with the client's address), last_login_at set, the failure notice
given, the login's clocks started again; of concurrent restores exactly one is recorded."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, LoginSession, User
from models.base import utcnow
from tests.conftest import login_form
from tests.support.racing import N, race, race_app, statuses

__all__ = ["race_app"]
HOME = {"REMOTE_ADDR": "10.5.5.5"}


def _logins(user):
    _db.session.expire_all()
    return _db.session.scalars(sa.select(AuditLog).where(
        AuditLog.action == "login_success", AuditLog.object_id == user.id)
        .order_by(AuditLog.id)).all()


def _row(user) -> LoginSession:
    _db.session.expire_all()
    return _db.session.scalars(sa.select(LoginSession).where(LoginSession.user_id == user.id)).one()


def _age(user, **values):
    _db.session.execute(sa.update(LoginSession).where(LoginSession.user_id == user.id)
                        .values(**values))
    _db.session.commit()


def _opens(resp) -> bool:
    return resp.status_code == 200


@pytest.fixture()
def remembered(client, world):
    assert login_form(client, world.rep_a, remember="y").status_code == 302
    assert _row(world.rep_a).remember and len(_logins(world.rep_a)) == 1
    return client


def test_a_restore_after_the_idle_timeout_is_an_audited_login(remembered, world):
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=31),
         created_at=utcnow() - timedelta(hours=1))
    expires = _row(world.rep_a).expires_at
    before = utcnow()
    assert _opens(remembered.get("/account/", environ_base=HOME))
    first, restore = _logins(world.rep_a)
    assert restore.after == {"how": "remember"} and restore.detail == {"channel": "web"}
    assert restore.address == "10.5.5.5" and restore.actor_id == world.rep_a.id
    row = _row(world.rep_a)
    assert row.created_at >= before and row.last_seen_at >= before  # a new login's clocks
    assert row.expires_at == expires  # the remembered row still ends 7 days after the login
    assert _db.session.get(User, world.rep_a.id).last_login_at >= before
    # The restored login goes on like any other: no second entry while it is used.
    assert _opens(remembered.get("/account/"))
    assert len(_logins(world.rep_a)) == 2


def test_a_restore_after_twelve_hours_is_a_login_too(remembered, world):
    _age(world.rep_a, created_at=utcnow() - timedelta(hours=12, minutes=1),
         last_seen_at=utcnow() - timedelta(minutes=2))
    assert _opens(remembered.get("/account/"))
    assert [e.after["how"] for e in _logins(world.rep_a)] == ["password", "remember"]
    # ... and its session ends idle again, and is restored again: a third login.
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=40))
    assert _opens(remembered.get("/account/"))
    assert len(_logins(world.rep_a)) == 3


def test_a_restarted_browser_restores_from_the_remember_cookie_alone(app, remembered, world):
    cookie = remembered.get_cookie("remember_token").value
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=45))
    restarted = app.test_client()
    restarted.set_cookie("remember_token", cookie)
    assert _opens(restarted.get("/account/", environ_base=HOME))
    restore = _logins(world.rep_a)[-1]
    assert restore.after == {"how": "remember"} and restore.address == "10.5.5.5"


def test_a_used_remembered_login_is_not_a_new_login(remembered, world):
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=29))
    assert _opens(remembered.get("/account/"))
    assert len(_logins(world.rep_a)) == 1


def test_the_owner_is_told_of_failures_at_the_restore(app, remembered, world):
    other = app.test_client()
    other.post("/login", data={"username": "rep_a", "password": "Wrong-password-1"},
               environ_base={"REMOTE_ADDR": "10.6.6.6"})
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=31))
    html = remembered.get("/account/").get_data(as_text=True)
    assert "1 次登录失败" in html and "10.6.6.6" in html
    assert _db.session.get(User, world.rep_a.id).unseen_failures == 0


def test_ended_rows_and_unremembered_logins_restore_nothing(client, app, world):
    login_form(client, world.rep_a)  # not remembered
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=31))
    resp = client.get("/account/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    remembered = app.test_client()
    login_form(remembered, world.rep_a2, remember="y")
    _age(world.rep_a2, expires_at=utcnow() - timedelta(seconds=1))  # the 7 days are over
    resp = remembered.get("/account/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]
    assert [len(_logins(u)) for u in (world.rep_a, world.rep_a2)] == [1, 1]


@pytest.mark.postgres
def test_concurrent_restores_record_one_login(world, race_app):
    with race_app.app_context():
        first = race_app.test_client()
        assert login_form(first, world.rep_a, remember="y").status_code == 302
        cookie = first.get_cookie("remember_token").value
        _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=31))

    def prepare(client):
        client.set_cookie("remember_token", cookie)

    responses = race(race_app, [lambda c: c.get("/account/") for _ in range(N)], prepare)
    assert statuses(responses) == {200: N}
    with race_app.app_context():
        assert [e.after["how"] for e in _logins(world.rep_a)] == ["password", "remember"]


def test_the_api_never_restores_a_browser_login(remembered, world):
    _age(world.rep_a, last_seen_at=utcnow() - timedelta(minutes=31))
    assert remembered.get("/api/v1/me").status_code == 401  # cookies are no API credential
    assert len(_logins(world.rep_a)) == 1
