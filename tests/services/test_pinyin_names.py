"""Names sort by pinyin (pypinyin) through users.name_key, a stored and indexed key kept with the
name wherever a name is set (the account page, the API, imports, the demo), so that the lists of
people — the representatives table, the account page, GET /users with keyset paging — read
阿里, 白雪, 李明, 王五, 赵六 rather than in code-point order."""
import sqlalchemy as sa

from models import User
from models.user import name_sort_key
from tests.support import factories as f
from tests.support.import_files import REP_HEADER, upload, xlsx

NAMES = ["赵六", "阿里", "王五", "李明", "白雪", "曾国藩"]
PINYIN_ORDER = ["阿里", "白雪", "李明", "王五", "曾国藩", "赵六"]


def test_the_key_reads_pinyin_with_tones_and_surnames():
    assert name_sort_key("李明") == "li3 ming2"
    assert name_sort_key(" 曾国藩 ") == "zeng1 guo2 fan1"  # the surname's reading
    assert sorted(NAMES, key=name_sort_key) == PINYIN_ORDER
    assert name_sort_key("") == "" and name_sort_key(None) == ""


def _keys_match(db):
    db.session.expire_all()
    users = db.session.scalars(sa.select(User)).all()
    assert users and all(u.name_key == name_sort_key(u.name) for u in users)


def test_every_way_of_setting_a_name_keeps_the_key(world, db, api, login):
    # The API creates, an import inserts in one multi-row INSERT, the account page renames.
    resp = api(world.manager_a).post("/users", json={
        "username": "api_rep", "password": "A-long-password-1", "name": "白雪", "role": "representative",
        "home_id": world.home_a.id, "level": "city"})
    assert resp.status_code == 201, resp.get_json()
    rows = [["赵六", "13900000001", "市级", "imp_zhao", "", "", ""],
            ["曾国藩", "13900000002", "市级", "imp_zeng", "", "", ""]]
    assert upload(api(world.manager_a), "representatives", xlsx(REP_HEADER, rows),
                  dry_run=False).status_code == 200
    client = login(world.manager_a)
    resp = client.post(f"/account/users/{world.rep_a.id}", data={
        "name": "阿里", "mobile": "", "email": "", "work_unit": "", "speciality": "", "level": "city"})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    _keys_match(db)
    assert db.session.get(User, world.rep_a.id).name_key == "a1 li3"


def test_lists_of_people_follow_pinyin_and_keyset_pages_keep_it(world, db, api, login):
    for name in NAMES:
        f.representative(world.home_a, name=name)
    db.session.commit()
    expected = ["代表甲", "代表乙"] + PINYIN_ORDER  # 代表 reads dai4 biao3
    expected.sort(key=name_sort_key)
    manager = api(world.manager_a)
    by_page = manager.get("/users?per_page=100").get_json()["items"]
    reps = [u["name"] for u in by_page if u["role"] == "representative"]
    assert reps == expected
    walked, cursor = [], ""
    while True:
        body = manager.get(f"/users?per_page=2&after={cursor}").get_json()
        walked += body["items"]
        if body["next"] is None:
            break
        cursor = body["next"]
    assert [u["id"] for u in walked] == [u["id"] for u in by_page]
    client = login(world.manager_a)
    text = client.get("/manage/accounts").get_data(as_text=True)
    positions = [text.index(f">{name}<") for name in expected]
    assert positions == sorted(positions)
    text = client.get("/manage/representatives").get_data(as_text=True)
    positions = [text.index(f">{name}</a>") for name in expected]
    assert positions == sorted(positions)
