"""Import pages: upload → dry run report → confirm → result; refused rows; codes once; access."""
import re
from io import BytesIO

import sqlalchemy as sa

from models import Import, User
from models.enums import ImportStatus
from tests.conftest import count_statements
from tests.support.import_files import REP_HEADER, read, reps, xlsx


def _upload(client, data, kind="representatives", **extra):
    form = {"kind": kind, "file": (BytesIO(data), "名册.xlsx"), **extra}
    return client.post("/imports/", data=form, content_type="multipart/form-data")


def test_manager_uploads_checks_confirms_and_downloads_codes_once(world, db, login):
    client = login(world.manager_a)
    page = client.get("/imports/").get_data(as_text=True)
    assert "代表模板" in page and "依托单位模板" not in page and "js/import_upload." in page
    resp = _upload(client, xlsx(REP_HEADER, reps(5)))
    assert resp.status_code == 302
    detail = client.get(resp.location).get_data(as_text=True)
    assert "预检通过" in detail and "确认导入" in detail
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 6  # nothing written yet
    dry = db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    resp = client.post(f"/imports/{dry.id}/commit")
    assert resp.status_code == 302
    result = client.get(resp.location).get_data(as_text=True)
    assert "已导入" in result and "激活码" in result
    committed = db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    assert committed.status == ImportStatus.COMMITTED and committed.created == 5
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 11
    resp = client.post(f"/imports/{committed.id}/credentials.xlsx")
    assert resp.status_code == 200 and len(read(resp.data)) == 6
    assert client.post(f"/imports/{committed.id}/credentials.xlsx").status_code == 404
    # Taken: the page says how to get a lost code again, for any kind of account (units' managers
    # are imported too, not only representatives).
    assert "为相应账号重置密码" in client.get(f"/imports/{committed.id}").get_data(as_text=True)
    assert client.post(f"/imports/{dry.id}/commit").status_code == 409  # used: once (SPEC §10)
    assert db.session.scalar(sa.select(sa.func.count(Import.id)).where(
        Import.status == ImportStatus.COMMITTED)) == 1


def test_refused_rows_are_listed_and_download_with_a_reason_column(world, db, login):
    client = login(world.manager_a)
    rows = reps(4)
    rows[2][2] = "部级"
    resp = _upload(client, xlsx(REP_HEADER, rows, title_rows=1))
    record = db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    page = client.get(resp.location).get_data(as_text=True)
    assert "有 1 行被拒绝" in page and "确认导入" not in page and "代表层级应为" in page
    # The three good rows are not imported either; the advice is to upload the whole file again
    # (uploading only the corrected refused rows would leave the good rows out).
    assert "其余 3 行也不会导入" in page and "重新上传整个文件" in page
    book = read(client.get(f"/imports/{record.id}/refused.xlsx").data)
    assert book[0][:2] == ("原行号", "本行姓名/名称") and book[0][-1] == "错误原因"
    assert book[1][:3] == (5, "代表2", "代表2") and "代表层级" in book[1][-1]
    assert len(book) == 2
    # The page shows the row's name beside its number.
    assert re.search(r'data-testid="refused-row">5 <span class="text-muted">代表2</span>', page)


def test_upload_errors_are_shown_on_the_page(world, login):
    client = login(world.manager_a)
    resp = _upload(client, b"garbage")
    assert resp.status_code == 422 and "不是有效的 Excel" in resp.get_data(as_text=True)
    resp = client.post("/imports/", data={"kind": "representatives"},
                       content_type="multipart/form-data")
    assert resp.status_code == 422 and "请选择要导入的" in resp.get_data(as_text=True)


def test_admin_imports_into_a_chosen_home(world, db, login):
    client = login(world.admin)
    page = client.get("/imports/").get_data(as_text=True)
    assert "依托单位模板" in page and world.home_b.name in page
    resp = _upload(client, xlsx(REP_HEADER, reps(1)))
    assert resp.status_code == 422 and "请选择导入到哪个代表之家" in resp.get_data(as_text=True)
    resp = _upload(client, xlsx(REP_HEADER, reps(1)), home_id=str(world.home_b.id))
    assert resp.status_code == 302
    assert world.home_b.name in client.get(resp.location).get_data(as_text=True)


def test_page_access(world, db, client, login):
    assert client.get("/imports/").status_code == 302  # to the login page
    login(world.rep_a)
    assert client.get("/imports/").status_code == 403
    assert client.get("/imports/template/representatives.xlsx").status_code == 403
    client = login(world.manager_a)
    assert _upload(client, xlsx(REP_HEADER, reps(1)), kind="units").status_code == 403
    assert client.get("/imports/template/managers.xlsx").status_code == 403
    resp = client.get("/imports/template/workers.xlsx")
    assert resp.status_code == 200 and read(resp.data)[0][-1] == "联系代表"
    assert _upload(client, xlsx(REP_HEADER, reps(1)),
                   home_id=str(world.home_b.id)).status_code == 404
    login(world.manager_b)
    _upload(client, xlsx(REP_HEADER, reps(1)))
    other = db.session.scalar(sa.select(Import.id).order_by(Import.id.desc()))
    client = login(world.manager_a)
    assert client.get(f"/imports/{other}").status_code == 404
    assert client.get(f"/imports/{other}/refused.xlsx").status_code == 404
    assert client.post(f"/imports/{other}/commit").status_code == 404


def test_account_pages_link_to_the_import(world, login):
    client = login(world.manager_a)
    assert "/imports/" in client.get("/manage/accounts").get_data(as_text=True)
    client = login(world.admin)
    assert "/imports/" in client.get("/admin/users").get_data(as_text=True)


def test_pages_issue_a_constant_number_of_statements(world, db, login):
    client = login(world.manager_a)
    _upload(client, xlsx(REP_HEADER, reps(3)))
    with count_statements() as few:
        assert client.get("/imports/").status_code == 200
    for _ in range(6):
        _upload(client, xlsx(REP_HEADER, reps(3)))
    with count_statements() as many:
        assert client.get("/imports/").status_code == 200
    assert len(many) == len(few)
    record = db.session.scalar(sa.select(Import.id).order_by(Import.id.desc()))
    with count_statements() as detail:
        assert client.get(f"/imports/{record}").status_code == 200
    assert len(detail) <= 8


def test_the_dry_run_lists_what_it_will_create_and_change(world, db, login, monkeypatch):
    """Before confirming, the office sees each row to be created (name and username) and, for a
    matched account, each changed cell as before → after; an unchanged row is only counted; the
    list stops at PREVIEW_ROWS with the full counts beside it. The API body is unchanged."""
    from services.imports import reading
    client = login(world.manager_a)
    rows = [["代表甲", "13912345678", "县级", "rep_a", "东南大学", "", ""],  # matched: changed
            ["新代表", "13900000009", "市级", "", "南京大学", "化学", ""]]
    world.rep_a.work_unit = "南京大学"
    db.session.commit()
    resp = _upload(client, xlsx(REP_HEADER, rows))
    page = client.get(resp.location).get_data(as_text=True)
    assert "将新增或更新的行" in page
    assert "新代表（13900000009）" in page  # blank 用户名: the normalised mobile
    assert "代表甲（rep_a）" in page and "工作单位：南京大学 → 东南大学" in page
    assert db.session.get(User, world.rep_a.id).work_unit == "南京大学"  # nothing written

    monkeypatch.setattr(reading, "PREVIEW_ROWS", 3)
    resp = _upload(client, xlsx(REP_HEADER, reps(5)))
    record = db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    assert [item["label"] for item in record.preview] == ["代表0（imp0000）", "代表1（imp0001）",
                                                          "代表2（imp0002）"]
    assert "仅显示前 3 行（共新增 5、更新 0）" in client.get(resp.location).get_data(as_text=True)


def test_credentials_workbook_dates_in_beijing_as_dates_and_readable_columns(world, db, login):
    """有效期至 is the Beijing date, stored as a date cell; the columns fit codes and the note."""
    from datetime import UTC, date, datetime
    from io import BytesIO

    from openpyxl import load_workbook
    client = login(world.manager_a)
    resp = _upload(client, xlsx(REP_HEADER, reps(2)))
    dry = db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    client.post(f"/imports/{dry.id}/commit")
    committed = db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    late = datetime(2026, 12, 30, 20, 0, tzinfo=UTC)  # 2026-12-31 04:00 in Beijing
    for user in db.session.scalars(sa.select(User).where(User.username.like("imp%"))):
        user.activation_expires_at = late
    db.session.commit()
    resp = client.post(f"/imports/{committed.id}/credentials.xlsx")
    sheet = load_workbook(BytesIO(resp.data)).active
    header = [c.value for c in sheet[1]]
    assert header == ["用户名", "姓名", "激活码", "有效期至", "说明", "登录地址"]
    cell = sheet.cell(row=2, column=4)
    assert cell.is_date and cell.value.date() == date(2026, 12, 31)
    assert cell.number_format == "yyyy-mm-dd"
    code = sheet.cell(row=2, column=3).value
    assert sheet.column_dimensions["C"].width >= len(code) + 2
    assert sheet.column_dimensions["E"].width >= 60


def test_downloads_have_chinese_file_names(world, db, login, api):
    """Templates, refused rows, activation codes and 代表码 cards download under Chinese names
    (RFC 5987 filename*), like every other export."""
    from urllib.parse import unquote
    client = login(world.manager_a)

    def name(resp):
        assert resp.status_code == 200
        return unquote(resp.headers["Content-Disposition"].split("filename*=UTF-8''")[1])

    assert name(client.get("/imports/template/representatives.xlsx")) == "代表导入模板.xlsx"
    assert name(api(world.manager_a).get("/imports/workers/template")) == "科技工作者导入模板.xlsx"
    rows = reps(2)
    rows[1][2] = "部级"
    _upload(client, xlsx(REP_HEADER, rows))
    record = db.session.scalar(sa.select(Import.id).order_by(Import.id.desc()))
    assert name(client.get(f"/imports/{record}/refused.xlsx")) == f"导入{record}-错误行.xlsx"
    assert name(client.get(f"/cards/homes/{world.home_a.id}.pdf")) == f"代表码-{world.home_a.name}.pdf"
    assert name(client.get(f"/cards/representatives/{world.rep_a.id}.pdf")) == "代表码-代表甲.pdf"


def test_refused_rows_line_up_with_the_header_and_import_once_corrected(world, db, login):
    """错误原因 is always its own last column, even when a row's last cells are blank (a blank 电子信箱,
    a row holding only a name); the header is frozen; the corrected file imports the data."""
    from io import BytesIO

    from openpyxl import load_workbook
    client = login(world.manager_a)
    rows = reps(3)
    rows[0][6] = None                          # blank e-mail (the last column)
    rows[1][2] = "部级"                         # refused on 代表层级, e-mail blank as well
    rows[1][6] = None
    rows.append(["只有姓名"])                    # a row holding only a name
    resp = _upload(client, xlsx(REP_HEADER, rows))
    record = db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    assert record.refused_count == 2
    data = client.get(f"/imports/{record.id}/refused.xlsx").data
    book = read(data)
    width = len(REP_HEADER) + 3
    assert book[0] == ("原行号", "本行姓名/名称", *REP_HEADER, "错误原因")
    assert [len(row) for row in book] == [width] * 3
    assert book[1][:2] == (3, "代表1") and book[1][4] == "部级" and book[1][8] is None
    assert "代表层级" in book[1][-1]
    assert book[2][:3] == (5, "只有姓名", "只有姓名") and book[2][3:9] == (None,) * 6
    assert "手机号" in book[2][-1] or "用户名" in book[2][-1]
    sheet = load_workbook(BytesIO(data)).active
    assert sheet.freeze_panes == "C2" and sheet.column_dimensions["J"].width >= 40
    assert all(cell.font.b for cell in sheet[1]) and sheet["J2"].alignment.wrap_text
    assert isinstance(sheet["A2"].value, int)  # 原行号 stays a number
    # Corrected in place and uploaded again: the reasons (and the names beside the row numbers)
    # are not imported as data.
    fixed = [list(r) for r in book]
    fixed[1][4] = "市级"
    fixed[2][2:9] = ["新代表", "13900009999", "市级", "newrep", "南京大学", "材料", None]
    resp = _upload(client, xlsx(list(fixed[0]), fixed[1:]))
    again = db.session.scalar(sa.select(Import).order_by(Import.id.desc()))
    assert again.refused_count == 0, again.refused
    assert again.created == 2 and resp.status_code == 302
