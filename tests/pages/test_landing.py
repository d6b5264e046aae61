"""`/` is never a 404; each role lands on a page of its own; the menu shows only what applies."""
import pytest
import sqlalchemy as sa

from extensions import db
from models import User
from models.enums import UnitKind
from tests.conftest import login_form
from tests.support import factories


@pytest.fixture()
def applying(db, world):
    """A manager of a unit that is applying and has no Home yet (the demo's changzhou_admin)."""
    unit = factories.unit(name="常州申报单位", kind=UnitKind.CITY_ASSOCIATION, city="常州市")
    manager = factories.user(factories.Role.HOME_MANAGER, unit_id=unit.id, username="cz_admin",
                             name="常州管理员")
    factories.round_(year=2099, deadline=factories.date(2099, 6, 30), quota=8)
    db.session.commit()
    return manager


def _menu(html):
    start = html.index('<ul class="navbar-nav me-auto">')
    return html[start:html.index("</ul>", start)]


def test_anonymous_root_is_the_portal(client, db):
    resp = client.get("/")
    assert resp.status_code == 200
    assert "代表之家名录" in _menu(resp.get_data(as_text=True))


@pytest.mark.parametrize("who", ["admin", "manager_a", "rep_a"])
def test_each_role_lands_on_a_page(world, login, who):
    client = login(getattr(world, who))
    resp = client.get("/", follow_redirects=True)
    assert resp.status_code == 200


def test_applying_manager_lands_on_the_applications_guide(applying, login, client):
    user = db.session.scalar(sa.select(User).where(User.username == "cz_admin"))
    landed = login_form(client, user)  # password, then the second factor (SPEC §5.13)
    resp = client.get(landed.headers["Location"], follow_redirects=True)
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'data-testid="applying-guide"' in html
    assert "2099年度，截止 2099-06-30" in html and "不少于1000字" in html
    menu = _menu(html)
    assert "申报" in menu
    for absent in ("工作台", "代表", "诉求建议", "审核队列"):
        assert absent not in menu
    assert client.get("/", follow_redirects=True).status_code == 200


def test_menu_per_role(world, login):
    expected = {"admin": ("全省概览", "账号"), "manager_a": ("工作台", "代表", "申报"),
                "rep_a": ("我的", "记录活动")}
    for who, labels in expected.items():
        client = login(getattr(world, who))
        menu = _menu(client.get("/", follow_redirects=True).get_data(as_text=True))
        for label in labels:
            assert label in menu, (who, label)
    client = login(world.rep_a)
    assert "账号" not in _menu(client.get("/", follow_redirects=True).get_data(as_text=True))


def test_managers_with_a_home_do_not_see_the_guide(world, login):
    client = login(world.manager_a)
    assert 'data-testid="applying-guide"' not in client.get("/applications/").get_data(as_text=True)
