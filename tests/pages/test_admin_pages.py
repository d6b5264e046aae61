"""Account and unit administration pages, the account page, and the services behind them."""
import sqlalchemy as sa

from models import AuditLog, Unit, User
from tests.support import factories


def test_admin_creates_a_manager_through_the_form(client, login, world, db):
    login(world.admin)
    resp = client.post("/admin/users/new", data={
        "username": "wuxi_admin", "name": "无锡管理员", "password": "A-strong-password",
        "role": "home_manager", "unit_id": str(world.home_b.unit_id), "home_id": "",
        "level": "", "mobile": "13912345678", "email": "wx@example.cn"})
    assert resp.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.username == "wuxi_admin"))
    assert user.role == "home_manager" and user.unit_id == world.home_b.unit_id
    assert user.check_password("A-strong-password")
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.object_type == "users",
                                                        AuditLog.object_id == user.id))
    assert entry.action == "create" and entry.actor_id == world.admin.id
    assert "password_hash" not in entry.after


def test_user_form_errors_are_chinese_and_name_the_field(client, login, world, db):
    login(world.admin)
    count = db.session.scalar(sa.select(sa.func.count(User.id)))
    resp = client.post("/admin/users/new", data={
        "username": "rep_a", "name": "重名", "password": "short", "role": "representative",
        "unit_id": "", "home_id": "", "level": ""})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "密码至少需要12个字符" in html
    assert "请选择代表层级" in html or "请填写所属代表之家" in html
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == count


def test_password_of_eleven_characters_refused_twelve_accepted(db):
    from services import accounts
    from services.errors import ValidationFailed
    base = {"name": "甲", "role": "provincial_admin"}
    try:
        accounts.create_user(None, {**base, "username": "eleven", "password": "Xx1-" * 2 + "Xx1"})
        raise AssertionError("11 characters accepted")
    except ValidationFailed as error:
        assert "password" in error.fields
    user = accounts.create_user(None, {**base, "username": "twelve", "password": "Xx1-" * 3})
    assert user.id is not None


def test_admin_deactivates_and_reactivates_a_user(client, login, world, db):
    login(world.admin)
    client.post(f"/admin/users/{world.rep_a.id}/active", data={"active": "0"})
    db.session.refresh(world.rep_a)
    assert world.rep_a.active is False
    client.post(f"/admin/users/{world.rep_a.id}/active", data={"active": "1"})
    db.session.refresh(world.rep_a)
    assert world.rep_a.active is True
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.object_type == "users", AuditLog.object_id == world.rep_a.id)).all()
    assert actions == ["deactivate", "activate"]


def test_admin_cannot_deactivate_self(db, world):
    """The office's own account is an administrator account: the system administrator keeps it
    (SPEC §5.13, 403); the system administrator cannot deactivate themself either (409)."""
    import pytest

    from models.enums import Role
    from services import accounts
    from services.errors import Conflict, Forbidden
    from tests.support import factories

    with pytest.raises(Forbidden):
        accounts.set_active(world.admin, world.admin, False)
    system = factories.user(Role.SYSTEM_ADMIN)
    with pytest.raises(Conflict):
        accounts.set_active(system, system, False)


def test_deactivated_user_is_logged_out_on_next_request(client, login, world, db):
    login(world.rep_a)
    assert client.get("/account/").status_code == 200
    world.rep_a.active = False
    db.session.commit()
    assert client.get("/account/").status_code == 302


def test_user_list_filters(client, login, world):
    login(world.admin)
    html = client.get("/admin/users?role=representative").get_data(as_text=True)
    assert "rep_a" in html and "manager_a" not in html
    html = client.get("/admin/users?q=苏州").get_data(as_text=True)
    assert "manager_b" in html and "manager_a" not in html


def test_admin_creates_and_edits_a_unit(client, login, world, db):
    login(world.admin)
    resp = client.post("/admin/units/new", data={
        "name": "江苏省农学会", "kind": "provincial_society", "city": "", "postcode": "210014",
        "email": "nx@example.cn"})
    assert resp.status_code == 302
    unit = db.session.scalar(sa.select(Unit).where(Unit.name == "江苏省农学会"))
    resp = client.post(f"/admin/units/{unit.id}/edit", data={
        "name": "江苏省农学会", "kind": "provincial_society", "city": "南京市",
        "postcode": "21001"})
    assert "邮编应为6位数字" in resp.get_data(as_text=True)
    db.session.refresh(unit)
    assert unit.city is None


def test_city_association_needs_one_of_the_thirteen_cities(client, login, world, db):
    login(world.admin)
    resp = client.post("/admin/units/new", data={"name": "上海市科协",
                                                 "kind": "city_association", "city": ""})
    assert "设区市科协须选择江苏省13个设区市之一" in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(Unit).where(Unit.name == "上海市科协")) is None


def test_deactivating_a_unit_deactivates_its_managers(client, login, world, db):
    login(world.admin)
    client.post(f"/admin/units/{world.home_a.unit_id}/active", data={"active": "0"})
    db.session.refresh(world.manager_a)
    assert world.manager_a.active is False


def test_change_password(client, login, world, db):
    login(world.rep_a)
    resp = client.post("/account/", data={"current_password": "wrong-one-here",
                                          "new_password": "Another-password-1",
                                          "confirm": "Another-password-1"})
    assert "当前密码不正确" in resp.get_data(as_text=True)
    resp = client.post("/account/", data={"current_password": factories.PASSWORD,
                                          "new_password": "short", "confirm": "short"})
    assert "密码至少需要12个字符" in resp.get_data(as_text=True)
    resp = client.post("/account/", data={"current_password": factories.PASSWORD,
                                          "new_password": "Another-password-1",
                                          "confirm": "Another-password-1"})
    assert resp.status_code == 302
    db.session.refresh(world.rep_a)
    assert world.rep_a.check_password("Another-password-1")


def test_navigation_follows_the_role(client, login, world):
    login(world.admin)
    html = client.get("/account/").get_data(as_text=True)
    assert "账号" in html and "/admin/users" in html
    login(world.rep_a)
    html = client.get("/account/").get_data(as_text=True)
    assert "/admin/users" not in html


def test_error_pages_are_chinese(client, login, world):
    assert "页面不存在" in client.get("/no-such-page").get_data(as_text=True)
    login(world.rep_a)
    resp = client.get("/admin/users")
    assert resp.status_code == 403 and "没有权限" in resp.get_data(as_text=True)


def test_home_page_for_visitors_and_redirect_for_users(client, login, world):
    assert client.get("/").status_code == 200
    login(world.admin)
    assert client.get("/").status_code == 302


def test_healthz(client, db):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok",
                                                 "redis": "not_configured"}
