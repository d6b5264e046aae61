"""Single-use means once under concurrency (PostgreSQL, SPEC §10): 20 concurrent uses of one
activation code, one reset link, one dry run's commit and one credentials workbook give exactly one
success; the others are refused clearly and nothing is written twice.

Without the claim on the row (services/accounts/lifecycle._claim, services/imports.commit_dry_run,
the conditional UPDATE of accounts.take_credentials) several requests succeed.
"""
from io import BytesIO

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog, Import, User, Worker, WorkerLink
from models.enums import ImportStatus
from services import accounts
from tests.conftest import login_form
from tests.support.import_files import REP_HEADER, WORKER_HEADER, read, reps, xlsx
from tests.support.racing import N, api_call, assert_conflicts_named, race, race_app, statuses, token

pytestmark = pytest.mark.postgres
__all__ = ["race_app"]  # the module-scoped fixture, imported for pytest


def _audits(action) -> int:
    return _db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(AuditLog.action == action))


def _bearer(app, username, password) -> str:
    resp = app.test_client().post("/api/v1/tokens", json={"username": username,
                                                          "password": password})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["token"]


def _password_form(path, password):
    """A call for `race`: a page form setting `password` (new and confirmed)."""
    return lambda client: client.post(path, data={"new_password": password, "confirm": password})


def _imported_rep(app, world) -> tuple[str, str, str]:
    """A representative imported by manager A: (username, activation code, credentials url)."""
    manager = token(app, world.manager_a)
    client = app.test_client()
    resp = client.post("/api/v1/imports/representatives", headers={"Authorization": f"Bearer {manager}"},
                       data={"file": (BytesIO(xlsx(REP_HEADER, reps(1))), "r.xlsx"), "dry_run": "false"},
                       content_type="multipart/form-data")
    assert resp.status_code == 200, resp.get_json()
    url = resp.get_json()["credentials_url"]
    sheet = client.get(url, headers={"Authorization": f"Bearer {manager}"})
    assert sheet.status_code == 200
    return "imp0000", read(sheet.data)[1][2], url


def test_one_activation_code_sets_one_password_through_the_api(world, race_app):
    """20 POST /me/password with one activation code, each with its own new password: one 200;
    the others 409 (or 401 once the winner ended every other token); one `activate` audited and
    only the winner's password signs in."""
    username, code, _url = _imported_rep(race_app, world)
    bearer = _bearer(race_app, username, code)
    news = [f"own-password-{i:02d}-abcdef" for i in range(N)]
    calls = [api_call("post", "/me/password", bearer, {"current_password": code, "new_password": p})
             for p in news]
    responses = race(race_app, calls)
    counts = statuses(responses)
    assert counts[200] == 1 and counts[200] + counts[409] + counts[401] == N, counts
    assert_conflicts_named(responses)
    winner = news[[r.status_code for r in responses].index(200)]
    _db.session.expire_all()
    user = _db.session.scalar(sa.select(User).where(User.username == username))
    assert user.check_password(winner)
    assert sum(user.check_password(p) for p in news) == 1
    assert _audits("password_changed") == 1  # by the activation code


def test_one_activation_code_sets_one_password_on_the_first_login_page(world, race_app):
    """20 browsers signed in with one activation code submit the first-password page at once:
    exactly one sets the password (one `activate` audited), the others are refused (409) or were
    signed out by the winner."""
    username, code, _url = _imported_rep(race_app, world)
    news = [f"page-password-{i:02d}-abcdef" for i in range(N)]

    def sign_in(client):
        assert client.post("/login", data={"username": username, "password": code}).status_code == 302

    responses = race(race_app, [_password_form("/account/first-password", p) for p in news],
                     prepare=sign_in)
    done = [r for r in responses if r.status_code == 302 and not r.location.split("?")[0]
            .endswith(("/login", "/account/first-password"))]
    assert len(done) == 1, [(r.status_code, r.location) for r in responses]
    assert all(r.status_code in (302, 409) for r in responses)
    _db.session.expire_all()
    user = _db.session.scalar(sa.select(User).where(User.username == username))
    assert sum(user.check_password(p) for p in news) == 1
    assert _audits("password_changed") == 1  # by the activation code


def test_one_reset_link_sets_one_password(world, race_app):
    """20 POSTs of one 忘记密码 link: one 302 to the login page, the others 409 (or 404 once the
    link is used); one `reset_by_link` audited; only the winner's password works."""
    with race_app.test_request_context():
        link = accounts.reset_link_token(_db.session.get(User, world.rep_a.id))
    news = [f"reset-password-{i:02d}-abcdef" for i in range(N)]
    responses = race(race_app, [_password_form(f"/reset-password/{link}", p) for p in news])
    counts = statuses(responses)
    assert counts[302] == 1 and counts[302] + counts[409] + counts[404] == N, counts
    assert any("已被另一次操作使用" in r.get_data(as_text=True) for r in responses
               if r.status_code == 409) or counts[409] == 0
    _db.session.expire_all()
    user = _db.session.get(User, world.rep_a.id)
    assert sum(user.check_password(p) for p in news) == 1
    assert _audits("password_changed") == 1  # by the reset link


def test_one_dry_run_is_committed_once(world, race_app):
    """20 confirmations of one dry run of 5 workers: one 302 to the committed import, nineteen
    409; one committed Import, each worker stored once with one link."""
    client = race_app.test_client()
    assert login_form(client, world.manager_a).status_code == 302
    rows = [[f"工作者{i}", "南京大学", "材料", f"1371111000{i}", "", "rep_a"] for i in range(5)]
    resp = client.post("/imports/", data={"kind": "workers",
                                          "file": (BytesIO(xlsx(WORKER_HEADER, rows)), "w.xlsx")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    dry = _db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    assert dry.status == ImportStatus.DRY_RUN and dry.created == 5

    def sign_in(c):
        assert login_form(c, world.manager_a).status_code == 302
    path = f"/imports/{dry.id}/commit"  # read here: the threads have no application context
    responses = race(race_app, [lambda c: c.post(path)] * N, prepare=sign_in)
    assert statuses(responses) == {302: 1, 409: N - 1}
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count(Import.id)).where(
        Import.status == ImportStatus.COMMITTED)) == 1
    assert _db.session.scalar(sa.select(sa.func.count(Worker.id))) == 5
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(WorkerLink)) == 5
    assert _audits("import") == 1


def test_the_credentials_workbook_is_downloaded_once(world, race_app):
    """20 downloads of one import's credentials at once: one 200, nineteen 404; one audit entry."""
    manager = token(race_app, world.manager_a)
    client = race_app.test_client()
    resp = client.post("/api/v1/imports/representatives",
                       headers={"Authorization": f"Bearer {manager}"},
                       data={"file": (BytesIO(xlsx(REP_HEADER, reps(3))), "r.xlsx"),
                             "dry_run": "false"}, content_type="multipart/form-data")
    url = resp.get_json()["credentials_url"]
    responses = race(race_app, [api_call("get", url.removeprefix("/api/v1"), manager)] * N)
    assert statuses(responses) == {200: 1, 404: N - 1}
    assert _audits("export") == 1  # the credentials workbook


def test_twenty_identical_workers_without_a_mobile_make_one(world, race_app):
    """20 POST /workers of one representative with the same name and unit and no mobile: one 201,
    nineteen 409 naming `name`; one worker, one link (SPEC §3: the Home's row is locked while the
    representative's own links are searched)."""
    bearer = token(race_app, world.rep_a)
    responses = race(race_app, [api_call("post", "/workers", bearer,
                                         {"name": "阿依古丽·买买提", "work_unit": "南京大学"})] * N)
    assert statuses(responses) == {201: 1, 409: N - 1}
    assert_conflicts_named(responses)
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count(Worker.id))) == 1
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(WorkerLink)) == 1


def test_twenty_links_of_one_known_mobile_under_other_names_link_nothing(world, race_app):
    """20 representatives' POST /workers with a stored mobile and made-up names: all 409, no link."""
    from tests.support import factories as f
    worker = f.worker(linked_by=world.rep_b, name="古丽米热·艾比布力", mobile="13955556666")
    reps = [f.representative(world.home_a, username=f"racer{i}") for i in range(N)]
    _db.session.commit()
    bearers = [token(race_app, rep) for rep in reps]
    responses = race(race_app, [api_call("post", "/workers", b, {"name": f"冒名{i}",
                                                                 "mobile": "13955556666"})
                                for i, b in enumerate(bearers)])
    assert statuses(responses) == {409: N}
    _db.session.expire_all()
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(WorkerLink).where(
        WorkerLink.worker_id == worker.id)) == 1
