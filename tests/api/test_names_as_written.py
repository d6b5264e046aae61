"""SPEC §5.8: names and units are stored as written — full-width parentheses stay “（）” — in every
import kind and through the API; full-width ASCII is normalised only in the code-like columns
(手机号, 用户名, 代表层级, 单位类型, 邮编, 电子信箱) and for matching (a file with “()” still matches
a stored “（）” and changes nothing)."""
import sqlalchemy as sa

from models import Unit, User, Worker
from tests.support.import_files import (
    MANAGER_HEADER,
    REP_HEADER,
    UNIT_HEADER,
    WORKER_HEADER,
    upload,
    xlsx,
)

UNIT = "江苏省某某（集团）有限公司科协"
UNIT_ASCII = "江苏省某某(集团)有限公司科协"


def _commit(client, kind, header, rows, **kw):
    body = upload(client, kind, xlsx(header, rows), dry_run=False, **kw).get_json()
    assert body["refused"] == [], body
    return body


def test_every_import_kind_stores_names_as_written(world, db, api):
    admin, manager = api(world.admin), api(world.manager_a)
    _commit(admin, "units", UNIT_HEADER, [
        [UNIT, "企业科协", "", "南京市（江宁区）某路1号", "２１０００８", "王（工）", "", "",
         "ｏｆｆｉｃｅ@example.cn"]])
    unit = db.session.scalar(sa.select(Unit).where(Unit.name == UNIT))
    assert unit is not None and unit.address == "南京市（江宁区）某路1号"
    assert unit.contact_person == "王（工）"
    assert unit.postcode == "210008" and unit.email == "office@example.cn"  # code columns folded
    _commit(admin, "managers", MANAGER_HEADER, [["ｊｔ_admin", "李（华）", UNIT_ASCII, "", ""]])
    manager_user = db.session.scalar(sa.select(User).where(User.username == "jt_admin"))
    assert manager_user.name == "李（华）" and manager_user.unit_id == unit.id
    _commit(manager, "representatives", REP_HEADER, [
        ["张（伟）", "１３９０００００００２", "市级", "", "南京大学（鼓楼校区）", "材料（复合）", ""]])
    rep = db.session.scalar(sa.select(User).where(User.username == "13900000002"))
    assert (rep.name, rep.work_unit, rep.speciality) == ("张（伟）", "南京大学（鼓楼校区）", "材料（复合）")
    _commit(manager, "workers", WORKER_HEADER, [
        ["陈（静）", "江苏省农科院（南京）", "农业（育种）", "", "", "ｒｅｐ_a"]])
    worker = db.session.scalar(sa.select(Worker).where(Worker.name == "陈（静）"))
    assert worker is not None and worker.work_unit == "江苏省农科院（南京）"
    assert worker.field == "农业（育种）"
    # The same rows written with ASCII brackets match what is stored and change nothing.
    body = _commit(admin, "units", UNIT_HEADER, [[UNIT_ASCII, "企业科协", "", "", "", "", "", "", ""]])
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 1)
    body = _commit(manager, "workers", WORKER_HEADER, [
        ["陈(静)", "江苏省农科院(南京)", "", "", "", "rep_a"]])
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 1)
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).name == UNIT
    assert db.session.get(Worker, worker.id).name == "陈（静）"


def test_the_api_stores_names_as_written(world, db, api):
    admin = api(world.admin)
    resp = admin.post("/units", json={"name": UNIT, "kind": "enterprise_association",
                                      "contact_person": "王（工）"})
    assert resp.status_code == 201 and resp.get_json()["name"] == UNIT
    resp = api(world.manager_a).post("/users", json={
        "username": "api_rep", "password": "A-long-password-1", "name": "张（伟）",
        "role": "representative", "home_id": world.home_a.id, "level": "city",
        "work_unit": "南京大学（鼓楼校区）"})
    assert resp.status_code == 201 and resp.get_json()["name"] == "张（伟）"
    resp = api(world.rep_a).post("/workers", json={"name": "陈（静）", "work_unit": "农科院（南京）",
                                                   "field": "农业"})
    assert resp.status_code == 201, resp.get_json()
    assert (resp.get_json()["name"], resp.get_json()["work_unit"]) == ("陈（静）", "农科院（南京）")


def test_refused_rows_carry_the_rows_name_beside_the_number(world, db, api, login):
    from models import Import
    from tests.support.import_files import read
    admin = api(world.admin)
    resp = upload(admin, "units", xlsx(UNIT_HEADER, [
        ["某某（集团）科协", "不存在的类型", "", "", "", "", "", "", ""]]), dry_run=False)
    assert resp.status_code == 422
    # The API body keeps SPEC §8's shape: {row, column, message}.
    assert resp.get_json()["refused"] == [
        {"row": 2, "column": "单位类型", "message": "单位类型应为：设区市科协、省级学会或企业科协"}]
    record = db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    client = login(world.admin)
    page = client.get(f"/imports/{record.id}").get_data(as_text=True)
    assert 'data-testid="refused-row">2 <span class="text-muted">某某（集团）科协</span>' in page
    book = read(client.get(f"/imports/{record.id}/refused.xlsx").data)
    assert book[0][:3] == ("原行号", "本行姓名/名称", "单位名称")
    assert book[1][:3] == (2, "某某（集团）科协", "某某（集团）科协")
