"""Password rules of SPEC §5.13 wherever a password is set: 12–128 characters, three of four
classes (Chinese characters count as symbols), not containing the username, not one of the last 5;
a password older than PASSWORD_MAX_AGE_DAYS must be changed first."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import PasswordHistory, User
from models.base import utcnow
from services import accounts
from services.demo.seed import DEMO_LOGINS, DEMO_PASSWORD
from tests.support import factories as f

GOOD = ["Correct-horse-9", "correcthorse9X", "中文密码abcdefgh1", "ABCDEFGH123!", "aB3 aB3 aB3 "]
WEAK = {"aaaaaaaaaaaa": "三类", "123456789012": "三类", "password1234": "三类",
        " " * 12: "三类", "111111111111": "三类", "中文密码中文密码abcd": "三类",
        "short-A1": "12个字符", "Aa1-" * 33: "128"}


@pytest.mark.parametrize("password", GOOD)
def test_three_classes_pass(app, db, password):
    assert accounts.password_problems(password) == []


@pytest.mark.parametrize("password,rule", WEAK.items())
def test_each_broken_rule_is_named(app, db, password, rule):
    problems = accounts.password_problems(password)
    assert len(problems) == 1 and rule in problems[0]


def test_username_is_refused_ignoring_case_for_three_characters_or_more(app, db):
    assert accounts.password_problems("xx-ZhangSan-2026", username="zhangsan") == ["密码不能包含用户名"]
    assert accounts.password_problems("Xy-2026-abcdef", username="xy") == []


def _change(api_client, current, new):
    return api_client.post("/me/password", json={"current_password": current, "new_password": new})


def test_the_last_five_passwords_are_refused_the_sixth_is_not(api, world):
    client = api(world.rep_a)
    passwords = [f.PASSWORD] + [f"Fresh-password-{i}" for i in range(1, 6)]
    for old, new in zip(passwords, passwords[1:], strict=False):
        resp = _change(client, old, new)
        assert resp.status_code == 200, resp.get_json()
        client.token = resp.get_json()["token"]
    # Current: Fresh-password-5; the last five are -1 … -5; -1 is refused, so is -5 (the current).
    for reused in ("Fresh-password-1", "Fresh-password-5"):
        resp = _change(client, "Fresh-password-5", reused)
        assert resp.status_code == 422
        assert "最近5次" in resp.get_json()["error"]["fields"]["new_password"][0]
    # The original password (kept as a hash only by the factories) has left the window.
    assert _change(client, "Fresh-password-5", "Older-password-0").status_code == 200
    hashes = _db.session.scalars(sa.select(PasswordHistory.password_hash)).all()
    assert len(hashes) == 5 and all(h.startswith("scrypt:") for h in hashes)


def test_api_create_user_refuses_a_weak_password_naming_the_field(api, world):
    resp = api(world.admin).post("/users", json={
        "username": "newadmin", "password": "111111111111", "name": "新管理员",
        "role": "representative", "home_id": world.home_a.id, "level": "city"})
    assert resp.status_code == 422
    assert "三类" in resp.get_json()["error"]["fields"]["password"][0]


def test_me_password_refuses_the_username_in_the_new_password(api, world):
    resp = _change(api(world.rep_a), f.PASSWORD, "Rep_A-is-me-2026")
    assert resp.status_code == 422
    assert resp.get_json()["error"]["fields"]["new_password"] == ["密码不能包含用户名"]


def test_account_page_names_the_rule(login, world):
    client = login(world.rep_a)
    resp = client.post("/account/", data={"current_password": f.PASSWORD,
                                          "new_password": "password1234",
                                          "confirm": "password1234"})
    assert resp.status_code == 422 and "三类" in resp.get_data(as_text=True)


def test_reset_link_obeys_the_rules(client, world, db):
    world.rep_a.email = "a@example.cn"
    db.session.commit()
    token = accounts.reset_link_token(world.rep_a)
    resp = client.post(f"/reset-password/{token}", data={"new_password": "aaaaaaaaaaaa",
                                                         "confirm": "aaaaaaaaaaaa"})
    assert resp.status_code == 422 and "三类" in resp.get_data(as_text=True)
    resp = client.post(f"/reset-password/{token}", data={"new_password": "Good-password-1",
                                                         "confirm": "Good-password-1"})
    assert resp.status_code == 302


def test_activation_first_password_obeys_the_rules(client, world, db):
    code = accounts.reset_with_code(world.admin, world.rep_a)
    db.session.commit()
    assert client.post("/login", data={"username": "rep_a", "password": code}).status_code == 302
    resp = client.post("/account/first-password", data={"new_password": "123456789012",
                                                        "confirm": "123456789012"})
    assert resp.status_code == 422 and "三类" in resp.get_data(as_text=True)


def test_create_user_command_obeys_the_rules(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "--username", "ops", "--password", "operator-password",
                                 "--role", "provincial_admin", "--name", "运维"])
    assert result.exit_code != 0 and "三类" in result.output


def test_demo_password_is_valid_for_every_printed_login(app, db):
    for username, password, _label in DEMO_LOGINS:
        assert accounts.password_problems(password, username=username) == []
    assert accounts.password_problems(DEMO_PASSWORD, username="rep_nanjing_01") == []


def test_setting_a_password_notes_when(api, world):
    before = utcnow()
    resp = _change(api(world.rep_a), f.PASSWORD, "Brand-new-pass-1")
    assert resp.status_code == 200
    user = _db.session.get(User, world.rep_a.id)
    assert user.password_changed_at >= before - timedelta(seconds=1)


def test_an_aged_password_must_be_changed_first(app, client, api, world, db):
    app.config["PASSWORD_MAX_AGE_DAYS"] = 90
    world.rep_a.password_changed_at = utcnow() - timedelta(days=91)
    world.rep_b.password_changed_at = utcnow() - timedelta(days=89)
    db.session.commit()
    aged, fresh = api(world.rep_a), api(world.rep_b)
    assert aged.get("/me").get_json()["must_change_password"] is True
    resp = aged.get("/activities")
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "password_expired"
    assert fresh.get("/me").get_json()["must_change_password"] is False
    assert fresh.get("/activities").status_code == 200
    # Pages: the aged login leads to the set-password page until a new password is set.
    resp = client.post("/login", data={"username": "rep_a", "password": f.PASSWORD})
    assert resp.status_code == 302
    assert client.get("/me/").headers.get("Location", "").endswith("/account/first-password")
    resp = client.post("/account/first-password", data={"new_password": "Renewed-pass-2026",
                                                        "confirm": "Renewed-pass-2026"})
    assert resp.status_code == 302
    assert db.session.get(User, world.rep_a.id).must_change_password is False
