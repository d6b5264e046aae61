"""The issue's "done when", on the demo province: the admin imports units and managers, a manager
imports their Home's representatives and workers from the templates; changzhou_admin (an applying
unit) lands on a 200 page. The demo as `make run` serves it: SECOND_FACTOR=off (SPEC §5.13)."""
import pytest
import sqlalchemy as sa

from models import Unit, User, WorkerLink
from services.demo.seed import DEMO_PASSWORD, seed_demo
from tests.conftest import Api, make_app
from tests.support.import_files import fill_template, upload


@pytest.fixture()
def client(db):
    """A client of the demo's app: `make run` serves the demo with SECOND_FACTOR=off."""
    return make_app(SECOND_FACTOR="off").test_client()


def _api(client, username):
    resp = client.post("/api/v1/tokens", json={"username": username, "password": DEMO_PASSWORD})
    assert resp.status_code == 201
    return Api(client, resp.get_json()["token"])


def test_demo_province_onboards_through_the_api(db, client):
    assert seed_demo() is True
    db.session.commit()
    admin = _api(client, "admin")
    units = fill_template(admin.get("/imports/units/template").data, [
        ["江苏省机械工程学会（导入）", "省级学会", "", "南京市玄武区", "210000", "周工", "025-1", "", ""]])
    assert upload(admin, "units", units, dry_run=False).get_json()["created"] == 1
    managers = fill_template(admin.get("/imports/managers/template").data, [
        ["jxxh_admin", "学会管理员", "江苏省机械工程学会（导入）", "13912345678", ""]])
    body = upload(admin, "managers", managers, dry_run=False).get_json()
    assert body["created"] == 1 and body["credentials_url"]
    # names are stored as written (SPEC §5.8): the full-width brackets stay; matching normalises
    assert db.session.scalar(sa.select(User.unit_id).where(User.username == "jxxh_admin")) == \
        db.session.scalar(sa.select(Unit.id).where(Unit.name == "江苏省机械工程学会（导入）"))

    manager = _api(client, "nanjing_admin")
    reps = fill_template(manager.get("/imports/representatives/template").data, [
        ["新代表一", "13900001111", "市级", "", "南京大学", "化学", ""],
        ["新代表二", "13900002222", "县", "nj_new_2", "东南大学", "电子", ""]])
    dry = upload(manager, "representatives", reps).get_json()
    assert dry == {"created": 2, "updated": 0, "unchanged": 0, "refused": []}
    assert upload(manager, "representatives", reps, dry_run=False).get_json()["created"] == 2
    workers = fill_template(manager.get("/imports/workers/template").data, [
        ["导入工作者", "南京工业大学", "材料", "13700001111", "", "13900001111, nj_new_2"]])
    assert upload(manager, "workers", workers, dry_run=False).get_json()["created"] == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkerLink).join(
        User, User.id == WorkerLink.representative_id).where(
        User.username.in_(["13900001111", "nj_new_2"]))) == 2


def test_changzhou_admin_lands_on_a_200_page(db, client):
    assert seed_demo() is True
    db.session.commit()
    resp = client.post("/login", data={"username": "changzhou_admin", "password": DEMO_PASSWORD},
                       follow_redirects=True)
    assert resp.status_code == 200
    assert 'data-testid="applying-guide"' in resp.get_data(as_text=True)
    assert client.get("/", follow_redirects=True).status_code == 200
