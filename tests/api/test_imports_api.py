"""SPEC §5.8 and §8 /imports: templates, dry run, all-or-nothing commit, matching, access, limits."""
import sqlalchemy as sa

from models import Import, Unit, User, Worker, WorkerLink
from models.enums import Level, Role, UnitKind
from tests.support.import_files import (
    MANAGER_HEADER,
    REP_HEADER,
    UNIT_HEADER,
    WORKER_HEADER,
    fill_template,
    read,
    reps,
    upload,
    xlsx,
)


def _count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _report(resp):
    """The report without credentials_url."""
    body = resp.get_json() if hasattr(resp, "get_json") else resp
    return {k: v for k, v in body.items() if k != "credentials_url"}


def _template(api_client, kind):
    resp = api_client.get(f"/imports/{kind}/template")
    assert resp.status_code == 200
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    return resp.data


def test_templates_hold_the_spec_headers(world, api):
    admin = api(world.admin)
    expected = {"units": UNIT_HEADER, "managers": MANAGER_HEADER,
                "representatives": REP_HEADER, "workers": WORKER_HEADER}
    for kind, header in expected.items():
        assert list(read(_template(admin, kind))[0]) == header


def _guide(template: bytes) -> dict:
    """The 填写说明 sheet as {header: (必填/选填, rule, example)}."""
    from io import BytesIO

    from openpyxl import load_workbook
    workbook = load_workbook(BytesIO(template))
    assert workbook.sheetnames[1] == "填写说明"
    rows = list(workbook["填写说明"].iter_rows(min_row=2, values_only=True))
    return {r[0]: r[1:] for r in rows if r[0] and r[0] != "说明"}


def test_templates_explain_each_column_outside_the_imported_sheet(world, db, api):
    """Sheet 1 holds only the header row; 填写说明 gives required/rule/example for every column;
    fixed-value columns offer a drop-down and number-like columns are text (so 0-leading postcodes
    and long mobiles survive Excel); the example row, filled in, imports with nothing refused."""
    from io import BytesIO

    from openpyxl import load_workbook
    admin = api(world.admin)
    headers = {"units": UNIT_HEADER, "managers": MANAGER_HEADER,
               "representatives": REP_HEADER, "workers": WORKER_HEADER}
    for kind, header in headers.items():
        template = _template(admin, kind)
        assert read(template) == [tuple(header)]
        guide = _guide(template)
        assert list(guide) == header
        assert all(guide[h][2] for h in header), guide  # every column has an example
        sheet = load_workbook(BytesIO(template)).worksheets[0]
        lists = {str(v.sqref).split(":")[0][:-1]: v.formula1 for v in sheet.data_validations.dataValidation}
        letter = {h: chr(ord("A") + i) for i, h in enumerate(header)}
        if kind == "units":
            assert lists[letter["单位类型"]] == '"设区市科协,省级学会,企业科协"'
            assert "南京市" in lists[letter["所在设区市"]]
            assert sheet.column_dimensions[letter["邮编"]].number_format == "@"
        if kind == "representatives":
            assert lists[letter["代表层级"]] == '"省级,市级,县级"'
            assert guide["姓名"][0] == "必填" and guide["用户名"][0] == "选填"
        if kind in ("representatives", "workers", "managers"):
            assert sheet.column_dimensions[letter["手机号"]].number_format == "@"

    for kind, client in (("units", admin), ("managers", admin),
                         ("representatives", api(world.manager_a))):
        template = _template(client, kind)
        example = [_guide(template)[h][2] for h in headers[kind]]
        resp = upload(client, kind, fill_template(template, [example]), dry_run=False)
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["created"] == 1 and resp.get_json()["refused"] == []


def test_each_template_round_trips(world, db, api):
    admin = api(world.admin)
    data = fill_template(_template(admin, "units"), [
        ["无锡市科协", "设区市科协", "无锡市", "无锡市梁溪区", "214000", "王五", "0510-1", "", ""],
        ["江苏省化工学会", "省级学会", "", "", "", "", "", "", "hx@example.cn"]])
    resp = upload(admin, "units", data, dry_run=False)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"created": 2, "updated": 0, "unchanged": 0, "refused": []}
    unit = db.session.scalar(sa.select(Unit).where(Unit.name == "无锡市科协"))
    assert (unit.kind, unit.city, unit.postcode) == (UnitKind.CITY_ASSOCIATION, "无锡市", "214000")

    data = fill_template(_template(admin, "managers"), [["wx_admin", "无锡管理员", "无锡市科协",
                                                          "13900000001", ""]])
    body = upload(admin, "managers", data, dry_run=False).get_json()
    assert body["created"] == 1 and body["credentials_url"]
    manager = db.session.scalar(sa.select(User).where(User.username == "wx_admin"))
    assert manager.role == Role.HOME_MANAGER and manager.unit_id == unit.id

    manager_a = api(world.manager_a)
    data = fill_template(_template(manager_a, "representatives"),
                         [["新代表", "+86 139 0000 0002", "省", "", "东南大学", "电子", ""]])
    body = upload(manager_a, "representatives", data, dry_run=False).get_json()
    assert body["created"] == 1, body
    rep = db.session.scalar(sa.select(User).where(User.username == "13900000002"))
    assert (rep.home_id, rep.level, rep.mobile) == (world.home_a.id, Level.PROVINCE, "13900000002")

    data = fill_template(_template(manager_a, "workers"),
                         [["李工", "南京大学", "化学", "13700000001", "", "rep_a、13900000002"]])
    body = upload(manager_a, "workers", data, dry_run=False).get_json()
    assert body["created"] == 1, body
    worker = db.session.scalar(sa.select(Worker).where(Worker.mobile == "13700000001"))
    linked = set(db.session.scalars(sa.select(WorkerLink.representative_id)
                                    .where(WorkerLink.worker_id == worker.id)))
    assert linked == {world.rep_a.id, rep.id}


def test_dry_run_writes_nothing(world, db, api):
    manager = api(world.manager_a)
    users_before = _count(db, User)
    resp = upload(manager, "representatives", xlsx(REP_HEADER, reps(20)))
    assert resp.status_code == 200
    assert resp.get_json() == {"created": 20, "updated": 0, "unchanged": 0, "refused": []}
    assert _count(db, User) == users_before
    resp = upload(manager, "workers", xlsx(WORKER_HEADER, [["王工", "河海大学", "", "", "", "rep_a"]]),
                  dry_run=True)
    assert resp.get_json()["created"] == 1
    assert _count(db, Worker) == 0 and _count(db, WorkerLink) == 0
    assert _count(db, Import) == 2  # the log of what was checked, nothing else


def test_one_bad_row_among_500_commits_nothing_and_names_row_and_column(world, db, api):
    manager = api(world.manager_a)
    rows = reps(500)
    rows[249][1] = "1390000"  # worksheet row 251 (the header is row 1)
    users_before = _count(db, User)
    resp = upload(manager, "representatives", xlsx(REP_HEADER, rows), dry_run=False)
    assert resp.status_code == 422
    body = resp.get_json()
    assert body["refused"] == [{"row": 251, "column": "手机号",
                                "message": "手机号应为11位中国大陆手机号"}]
    assert body["created"] == 499
    assert _count(db, User) == users_before


def test_reimport_is_unchanged_and_a_corrected_file_updates_only_what_changed(world, db, api):
    manager = api(world.manager_a)
    rows = reps(30)
    assert upload(manager, "representatives", xlsx(REP_HEADER, rows),
                  dry_run=False).get_json()["created"] == 30
    again = upload(manager, "representatives", xlsx(REP_HEADER, rows), dry_run=False).get_json()
    assert again == {"created": 0, "updated": 0, "unchanged": 30, "refused": []}
    rows[3][4] = "苏州大学"
    rows[7][2] = "县级"
    rows[9][4] = ""  # a blank cell keeps the stored value
    body = upload(manager, "representatives", xlsx(REP_HEADER, rows), dry_run=False).get_json()
    assert body == {"created": 0, "updated": 2, "unchanged": 28, "refused": []}
    by_name = {u.username: u for u in db.session.scalars(sa.select(User).where(
        User.username.like("imp%")))}
    assert by_name["imp0003"].work_unit == "苏州大学"
    assert by_name["imp0007"].level == Level.COUNTY
    assert by_name["imp0009"].work_unit == "南京大学"


def test_headers_found_anywhere_with_full_width_and_spaces(world, db, api):
    manager = api(world.manager_a)
    header = ["  代表层级 ", "用户名", "手机号", "姓名 *", "电子信箱"]
    rows = [["市级", "ＦＷ＿ｕｓｅｒ", "１３９ ０００１ ２３４５", "　全角　", "ＡＢ@ｅｘａｍｐｌｅ.ｃｎ"],
            [None, None, None, None, None],
            ["县", "fw_user2", 13900012346, "整数手机", ""]]
    body = _report(upload(manager, "representatives", xlsx(header, rows, title_rows=2),
                          dry_run=False))
    assert body == {"created": 2, "updated": 0, "unchanged": 0, "refused": []}, body
    user = db.session.scalar(sa.select(User).where(User.username == "FW_user"))
    assert (user.name, user.mobile, user.email) == ("全角", "13900012345", "AB@example.cn")
    assert db.session.scalar(sa.select(User.mobile).where(User.username == "fw_user2")) \
        == "13900012346"


def test_refused_rows_name_the_header_as_written_and_the_worksheet_row(world, api):
    manager = api(world.manager_a)
    header = ["姓名", "手机号 ", "代表层级"]
    rows = [["甲", "13900000001", "部级"], ["", "13900000002", "市级"],
            ["丙", "13900000001", "市级"]]
    body = upload(manager, "representatives", xlsx(header, rows, title_rows=1)).get_json()
    assert body["refused"] == [
        {"row": 3, "column": "代表层级", "message": "代表层级应为：省级、市级或县级"},
        {"row": 4, "column": "姓名", "message": "请填写姓名"},
        {"row": 5, "column": "手机号 ", "message": "手机号与第3行重复"},
    ]
    assert body["created"] == 0


def test_usernames_match_ignoring_case_and_other_homes_accounts_are_refused(world, db, api):
    manager = api(world.manager_a)
    rows = [["代表甲", "13900000001", "市级", "REP_A", "", "", ""],
            ["代表丙", "13900000002", "市级", "rep_b", "", "", ""],
            ["管理员", "13900000003", "市级", "manager_a", "", "", ""]]
    body = upload(manager, "representatives", xlsx(REP_HEADER, rows)).get_json()
    assert body["updated"] == 1  # rep_a gets the mobile
    assert [(r["row"], r["column"]) for r in body["refused"]] == [(3, "用户名"), (4, "用户名")]


def test_workers_match_by_mobile_then_name_and_unit_and_links_are_only_added(world, db, api):
    from tests.support import factories
    known = factories.worker(world.rep_a, name="张工", work_unit="南京大学", mobile="13700000009")
    no_mobile = factories.worker(world.rep_a, name="赵工", work_unit="东南大学", mobile="")
    elsewhere = factories.worker(world.rep_b, name="孙工", work_unit="苏州大学", mobile="")
    db.session.commit()
    manager = api(world.manager_a)
    rows = [["张工", "南京大学", "", "137 0000 0009", "", "rep_a2"],
            ["赵工", "东南大学", "", "", "", "rep_a"],
            ["孙工", "苏州大学", "", "", "", "rep_a"]]
    body = _report(upload(manager, "workers", xlsx(WORKER_HEADER, rows), dry_run=False))
    assert body == {"created": 1, "updated": 1, "unchanged": 1, "refused": []}, body
    links = set(db.session.execute(sa.select(WorkerLink.worker_id,
                                             WorkerLink.representative_id)).tuples())
    assert {(known.id, world.rep_a.id), (known.id, world.rep_a2.id),
            (no_mobile.id, world.rep_a.id), (elsewhere.id, world.rep_b.id)} <= links
    assert _count(db, Worker, Worker.name == "孙工") == 2  # another Home's worker is not matched
    # a file naming fewer representatives removes no link
    rows = [["张工", "南京大学", "", "13700000009", "", "rep_a"]]
    body = upload(manager, "workers", xlsx(WORKER_HEADER, rows), dry_run=False).get_json()
    assert body["unchanged"] == 1
    assert (known.id, world.rep_a2.id) in set(db.session.execute(
        sa.select(WorkerLink.worker_id, WorkerLink.representative_id)).tuples())


def test_workers_refuse_representatives_of_another_home(world, api):
    manager = api(world.manager_a)
    body = upload(manager, "workers", xlsx(WORKER_HEADER, [
        ["钱工", "南京大学", "", "", "", "rep_b；rep_a"]])).get_json()
    assert body["refused"] == [{"row": 2, "column": "联系代表",
                                "message": "不是本代表之家的代表：rep_b"}]


def test_units_and_managers_refusals(world, api):
    admin = api(world.admin)
    body = upload(admin, "units", xlsx(UNIT_HEADER, [
        ["泰州市科协", "设区市科协", "", "", "", "", "", "", ""],
        ["某学会", "协会", "", "", "12345", "", "", "", "x@"]])).get_json()
    assert [(r["row"], r["column"]) for r in body["refused"]] == [
        (2, "所在设区市"), (3, "单位类型"), (3, "邮编"), (3, "电子信箱")]
    body = upload(admin, "managers", xlsx(MANAGER_HEADER, [
        ["new_mgr", "某人", "不存在的单位", "", ""], ["rep_a", "某人", "南京市科协", "", ""]])).get_json()
    assert [(r["row"], r["column"]) for r in body["refused"]] == [(2, "所属单位"), (3, "用户名")]


def test_access_matrix(world, api):
    file = xlsx(REP_HEADER, reps(1))
    assert upload(api(None), "representatives", file).status_code == 401
    assert api(None).get("/imports/units/template").status_code == 401
    rep = api(world.rep_a)
    assert upload(rep, "representatives", file).status_code == 403
    assert rep.get("/imports/workers/template").status_code == 403
    manager = api(world.manager_a)
    for kind in ("units", "managers"):
        assert upload(manager, kind, file).status_code == 403
        assert manager.get(f"/imports/{kind}/template").status_code == 403
    resp = upload(manager, "representatives", file, home_id=world.home_b.id)
    assert resp.status_code == 404 and resp.get_json()["error"]["code"] == "not_found"
    assert upload(manager, "representatives", file, home_id=world.home_a.id).status_code == 200
    assert upload(manager, "nonsense", file).status_code == 404
    admin = api(world.admin)
    resp = upload(admin, "representatives", file)
    assert resp.status_code == 422 and "home_id" in resp.get_json()["error"]["fields"]
    assert upload(admin, "representatives", file, home_id=99999).status_code == 404
    assert upload(admin, "representatives", file, home_id=world.home_b.id).status_code == 200


def test_bad_files_and_flags_answer_422_naming_the_field(world, api):
    manager = api(world.manager_a)
    resp = upload(manager, "representatives", b"not a workbook")
    assert resp.status_code == 422 and "file" in resp.get_json()["error"]["fields"]
    resp = upload(manager, "representatives", xlsx(["名字", "电话"], [["a", "b"]]))
    assert resp.status_code == 422 and "表头" in resp.get_json()["error"]["fields"]["file"][0]
    resp = manager.post("/imports/representatives", data={"dry_run": "maybe"},
                        content_type="multipart/form-data")
    assert resp.status_code == 422
    resp = manager.post("/imports/representatives", data={}, content_type="multipart/form-data")
    assert resp.status_code == 422 and "file" in resp.get_json()["error"]["fields"]


def test_limits_answer_413(world, api):
    import os
    from io import BytesIO

    from openpyxl import Workbook
    manager = api(world.manager_a)
    too_big = b"PK" + os.urandom(5 * 1024 * 1024)
    resp = upload(manager, "representatives", too_big)
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "payload_too_large"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["姓名", "手机号", "代表层级"])
    for i in range(20_001):
        sheet.append([f"人{i}", f"139{i:08d}", "市级"])
    out = BytesIO()
    workbook.save(out)
    resp = upload(manager, "representatives", out.getvalue())
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"] == "payload_too_large"


def test_statements_do_not_grow_with_the_rows(world, db, api):
    """Matching keys load once per chunk and writes are batched: 20 rows or 300, same statements."""
    from tests.conftest import count_statements
    manager = api(world.manager_a)
    counts = {}
    for size, start in ((20, 0), (300, 1000)):
        with count_statements() as statements:
            body = upload(manager, "representatives", xlsx(REP_HEADER, reps(size, start=start)),
                          dry_run=False).get_json()
        assert body["created"] == size
        counts[("reps", size)] = len(statements)
        rows = [[f"工作者{start + i}", "南京大学", "", f"136{start + i:08d}", "",
                 "rep_a、rep_a2" if i % 2 else "rep_a"] for i in range(size)]
        with count_statements() as statements:
            body = upload(manager, "workers", xlsx(WORKER_HEADER, rows), dry_run=False).get_json()
        assert body["created"] == size
        counts[("workers", size)] = len(statements)
    assert counts[("reps", 20)] == counts[("reps", 300)]
    assert counts[("workers", 20)] == counts[("workers", 300)]


def test_a_manager_without_a_home_cannot_import(world, db, api):
    from tests.support import factories
    unit = factories.unit(name="申报中的单位")
    applying = factories.user(Role.HOME_MANAGER, unit_id=unit.id, username="applying_mgr")
    db.session.commit()
    client = api(applying)
    assert upload(client, "representatives", xlsx(REP_HEADER, reps(1))).status_code == 403
    assert upload(client, "workers", xlsx(WORKER_HEADER, [["甲", "乙", "", "", "", "x"]]),
                  home_id=world.home_a.id).status_code == 404


def test_stored_full_width_names_match_their_normalised_cells(world, db, api):
    from tests.support import factories
    factories.unit(name="江苏省某某（集团）科协", kind=UnitKind.ENTERPRISE_ASSOCIATION)
    factories.worker(world.rep_a, name="周工", work_unit="南京大学（鼓楼校区）", mobile="")
    db.session.commit()
    admin = api(world.admin)
    body = upload(admin, "units", xlsx(UNIT_HEADER, [
        ["江苏省某某(集团)科协", "企业科协", "", "", "", "", "", "", ""]]), dry_run=False).get_json()
    assert body == {"created": 0, "updated": 0, "unchanged": 1, "refused": []}
    body = upload(admin, "managers", xlsx(MANAGER_HEADER, [
        ["jt_admin", "集团管理员", "江苏省某某（集团）科协", "", ""]]), dry_run=False).get_json()
    assert body["created"] == 1
    body = upload(api(world.manager_a), "workers", xlsx(WORKER_HEADER, [
        ["周工", "南京大学（鼓楼校区）", "", "", "", "rep_a"]]), dry_run=False).get_json()
    assert body == {"created": 0, "updated": 0, "unchanged": 1, "refused": []}


def test_every_account_an_import_creates_or_changes_is_audited(world, db, api):
    from models import AuditLog
    manager = api(world.manager_a)
    rows = reps(3)
    upload(manager, "representatives", xlsx(REP_HEADER, rows), dry_run=False)
    rows[0][4] = "河海大学"
    upload(manager, "representatives", xlsx(REP_HEADER, rows), dry_run=False)
    entries = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.object_type == "users", AuditLog.action.like("import%"))  # not the logins
        .order_by(AuditLog.id)).all()
    assert [e.action for e in entries] == ["import_create"] * 3 + ["import_update"]
    assert all(e.actor_id == world.manager_a.id for e in entries)
    assert entries[0].after["username"] == "imp0000" and entries[0].after["level"] == "city"
    assert entries[3].before == {"work_unit": "南京大学"}
    assert entries[3].after == {"work_unit": "河海大学"}
    imports_logged = db.session.scalars(sa.select(AuditLog.after).where(
        AuditLog.object_type == "imports", AuditLog.action == "import")).all()
    assert [(a["created"], a["updated"]) for a in imports_logged] == [(3, 0), (0, 1)]
