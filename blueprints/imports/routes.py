"""Import pages (SPEC §5.8) for the provincial office and Home managers.

Upload (with progress: static/js/import_upload.js) → the dry run's report with counts and refused
rows → confirm → the result, with the new accounts' activation codes to download once. Access is the
service's (services.imports.import_target): managers import only into their own Home.
"""
from io import BytesIO

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from blueprints.body_limits import FORM_ALLOWANCE, accepts_upload
from blueprints.decorators import roles_required
from blueprints.imports import bp
from blueprints.web import commit_operation
from blueprints.web.exports import log_export
from extensions import db
from models import Home, Import
from models.enums import ImportKind, ImportStatus, Role
from services import accounts, imports
from services.errors import ValidationFailed

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORTERS = (Role.PROVINCIAL_ADMIN, Role.HOME_MANAGER)
SHOWN_REFUSALS = 200


def _kinds():
    if current_user.role == Role.PROVINCIAL_ADMIN:
        return list(ImportKind)
    return [ImportKind.REPRESENTATIVES, ImportKind.WORKERS]


def _xlsx(data: bytes, name: str):
    return send_file(BytesIO(data), as_attachment=True, download_name=name, mimetype=XLSX)


def _index(errors=None, status=200):
    homes = []
    if current_user.role == Role.PROVINCIAL_ADMIN:
        homes = db.session.execute(sa.select(Home.id, Home.name).order_by(Home.name)).all()
    recent = db.session.scalars(sa.select(Import).where(Import.user_id == current_user.id)
                                .order_by(Import.id.desc()).limit(20)).all()
    return render_template("imports/index.html", kinds=_kinds(), homes=homes, recent=recent,
                           errors=errors or {}, own_home=current_user.scope_home_id,
                           selected=request.form.get("kind") or request.args.get("kind", "")), status


@bp.route("/", methods=["GET", "POST"])
@accepts_upload(imports.MAX_BYTES + FORM_ALLOWANCE)
@roles_required(*IMPORTERS)
def index():
    """Choose the kind (and the Home, for the admin), upload, and get the dry run's report."""
    if request.method == "GET":
        return _index()
    kind = request.form.get("kind", "")
    home_id = request.form.get("home_id") or None
    file = request.files.get("file")

    def dry_run():
        """Check the uploaded file without importing it; the Import record of the check."""
        imports.import_target(current_user, kind, home_id)
        if file is None or not file.filename:
            raise ValidationFailed({"file": ["请选择要导入的 .xlsx 文件"]})
        data = file.stream.read(imports.MAX_BYTES + 1)
        record, _report = imports.run_import(current_user, kind, data, file.filename,
                                             dry_run=True, home_id=home_id)
        return record

    outcome = commit_operation(dry_run, failure=None,
                               errors=(ValidationFailed, imports.PayloadTooLarge))
    if not outcome:
        return _index(outcome.error.fields, outcome.error.status)
    return redirect(url_for("imports.detail", import_id=outcome.value.id))


@bp.route("/<int:import_id>")
@roles_required(*IMPORTERS)
def detail(import_id):
    """The report of one import: counts, refused rows, and what can be done next."""
    record = imports.get_import(current_user, import_id)
    can_commit = (record.status == ImportStatus.DRY_RUN and not record.refused_count
                  and record.user_id == current_user.id
                  and db.session.scalar(sa.select(Import.payload.is_not(None))
                                        .where(Import.id == record.id)))
    return render_template("imports/detail.html", record=record, can_commit=can_commit,
                           refused=(record.refused or [])[:SHOWN_REFUSALS],
                           preview=record.preview or [])


@bp.route("/<int:import_id>/commit", methods=["POST"])
@roles_required(*IMPORTERS)
def commit(import_id):
    """Import the checked file for real: one transaction, all or nothing, once (a second
    confirmation, also a concurrent one, answers 409 with the dry run's page)."""
    outcome = commit_operation(lambda: imports.commit_dry_run(current_user, import_id),
                               failure="未能导入：")
    if not outcome:
        return detail(import_id), 409
    result, _report = outcome.value
    if result.status == ImportStatus.COMMITTED:
        flash("导入完成", "success")
    else:
        flash("有被拒绝的行，未导入任何数据", "danger")
    return redirect(url_for("imports.detail", import_id=result.id))


@bp.route("/<int:import_id>/refused.xlsx")
@roles_required(*IMPORTERS)
def refused(import_id):
    """The refused rows as they were written, with a reason column, to fix and upload again."""
    record = imports.get_import(current_user, import_id)
    data = imports.refused_workbook(record)
    log_export("导入错误行（Excel）", record.refused_count, object_type="imports",
               object_id=record.id)
    return _xlsx(data, f"导入{record.id}-错误行.xlsx")


@bp.route("/<int:import_id>/credentials.xlsx", methods=["POST"])
@roles_required(*IMPORTERS)
def credentials(import_id):
    """The new accounts' usernames and activation codes — once (POST, so no prefetch spends it)."""
    record = imports.get_import(current_user, import_id)
    data = accounts.take_credentials(current_user, record)
    db.session.commit()
    return _xlsx(data, f"导入{record.id}-新账号激活码.xlsx")


@bp.route("/template/<kind>.xlsx")
@roles_required(*IMPORTERS)
def template(kind):
    """The template of a kind: the header row of its columns."""
    kind = imports.template_access(current_user, kind)
    return _xlsx(imports.template_workbook(kind), f"{kind.label}导入模板.xlsx")
