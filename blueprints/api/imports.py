"""Imports through the API (SPEC §8): the template of a kind, and a dry run or commit of a file."""
from io import BytesIO

from flask import request, send_file, url_for
from flask_smorest import Blueprint

from blueprints.api.auth import SECURITY, api_user, token_required
from blueprints.api.util import commit
from blueprints.body_limits import FORM_ALLOWANCE, accepts_upload
from models.enums import ImportStatus
from services import accounts, imports
from services.errors import ValidationFailed

bp = Blueprint("api_imports", __name__, description="Excel 导入（SPEC §5.8）")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _xlsx(data: bytes, name: str):
    return send_file(BytesIO(data), as_attachment=True, download_name=name, mimetype=XLSX)


def dry_run_flag(value) -> bool:
    """`dry_run` (default true); anything but a yes/no answers 422 naming the field."""
    if value is None or value == "":
        return True
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationFailed({"dry_run": ["dry_run 应为 true 或 false"]})


def read_upload(file) -> tuple[bytes, str]:
    """The uploaded file's bytes (at most 5 MB + 1 read) and its name; 422 naming `file`."""
    if file is None or not file.filename:
        raise ValidationFailed({"file": ["请上传 .xlsx 文件（字段名 file）"]})
    data = file.stream.read(imports.MAX_BYTES + 1)
    if len(data) > imports.MAX_BYTES:
        raise imports.PayloadTooLarge("文件超过5 MB，请拆分后分批导入")
    return data, file.filename


@bp.route("/imports/<kind>/template")
@token_required
@bp.doc(security=SECURITY, responses={200: {"description": "该类型的 .xlsx 模板（一行表头）",
                                            "content": {XLSX: {}}}})
def template(kind):
    """The .xlsx template of a kind (who may import it may download it)."""
    kind = imports.template_access(api_user(), kind)
    return _xlsx(imports.template_workbook(kind), f"{kind.label}导入模板.xlsx")


@bp.route("/imports/<kind>", methods=["POST"])
@accepts_upload(imports.MAX_BYTES + FORM_ALLOWANCE)
@token_required
@bp.doc(security=SECURITY, requestBody={"content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary"},
                   "dry_run": {"type": "boolean", "default": True},
                   "home_id": {"type": "integer"}}}}}},
    responses={200: {"description": "{created, updated, unchanged, refused: [{row, column, message}]}"
                                    "；提交且新建了账号时另有 credentials_url"},
               413: {"description": "文件超过5 MB或20000行"},
               422: {"description": "提交时有被拒绝的行：同样的报告，未写入任何数据"}})
def run(kind):
    """Dry run (default) or commit one .xlsx; a commit with refused rows answers 422 and writes nothing."""
    user = api_user()
    imports.import_target(user, kind, request.form.get("home_id") or request.args.get("home_id"))
    dry_run = dry_run_flag(request.form.get("dry_run", request.args.get("dry_run")))
    data, name = read_upload(request.files.get("file"))
    record, report = imports.run_import(
        user, kind, data, name, dry_run=dry_run,
        home_id=request.form.get("home_id") or request.args.get("home_id"))
    commit()
    body = report.as_dict()
    if record.status == ImportStatus.REFUSED:
        body["error"] = {"code": "validation_error", "message": "有被拒绝的行，未导入任何数据",
                         "fields": {"file": [f"{record.refused_count}行被拒绝"]}}
        return body, 422
    if record.has_credentials:
        body["credentials_url"] = url_for("api_imports.credentials", import_id=record.id)
    return body, 200


@bp.route("/imports/<int:import_id>/credentials")
@token_required
@bp.doc(security=SECURITY, responses={200: {"description": "新账号的用户名和激活码（只能下载一次）",
                                            "content": {XLSX: {}}}})
def credentials(import_id):
    """The usernames and activation codes of the accounts a commit created, once, for the importer."""
    record = imports.get_import(api_user(), import_id)
    data = accounts.take_credentials(api_user(), record)
    commit()
    return _xlsx(data, f"导入{record.id}-新账号激活码.xlsx")
