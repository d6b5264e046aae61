"""Build .xlsx files for import tests."""
from io import BytesIO

from openpyxl import Workbook, load_workbook


def xlsx(header, rows, *, title_rows=0) -> bytes:
    """A workbook whose first sheet has `title_rows` merged title rows, the header, then rows."""
    workbook = Workbook()
    sheet = workbook.active
    for index in range(title_rows):
        sheet.append([f"江苏省科协代表名册（第{index + 1}行标题）"])
        sheet.merge_cells(start_row=index + 1, start_column=1, end_row=index + 1,
                          end_column=max(2, len(header)))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def fill_template(template: bytes, rows) -> bytes:
    """The downloaded template with rows appended under its header."""
    workbook = load_workbook(BytesIO(template))
    sheet = workbook.worksheets[0]
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def read(data: bytes) -> list[tuple]:
    """All rows of the first sheet."""
    workbook = load_workbook(BytesIO(data), read_only=True)
    return [tuple(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def upload(api, kind, data, *, dry_run=None, home_id=None, name="import.xlsx"):
    """POST /api/v1/imports/{kind} as multipart."""
    form = {"file": (BytesIO(data), name)}
    if dry_run is not None:
        form["dry_run"] = "true" if dry_run else "false"
    if home_id is not None:
        form["home_id"] = str(home_id)
    return api.post(f"/imports/{kind}", data=form, content_type="multipart/form-data")


REP_HEADER = ["姓名", "手机号", "代表层级", "用户名", "工作单位", "专业特长", "电子信箱"]
WORKER_HEADER = ["姓名", "工作单位", "领域", "手机号", "电子信箱", "联系代表"]
UNIT_HEADER = ["单位名称", "单位类型", "所在设区市", "地址", "邮编", "联系人", "联系电话", "传真",
               "电子信箱"]
MANAGER_HEADER = ["用户名", "姓名", "所属单位", "手机号", "电子信箱"]


def reps(count, *, start=0):
    """`count` valid representative rows with usernames imp0000… and mobiles 139…"""
    return [[f"代表{i}", f"139{i:08d}", "市级", f"imp{i:04d}", "南京大学", "材料", ""]
            for i in range(start, start + count)]
