"""Running an import (SPEC §5.8): the dry run, the all-or-nothing commit and the Import record.

Rows go in chunks of CHUNK to the kind's function (kinds.py), which loads the matching keys of the
whole chunk in one query, decides created / updated / unchanged / refused for each row and — when
writing — adds the chunk in one flush. A dry run never writes. A commit writes chunk by chunk in
the request's one transaction and, if any row was refused, rolls it all back (the caller answers
422 with the report), so the file is parsed once either way.
"""
import secrets

import sqlalchemy as sa

from extensions import db
from models import Home, Import, User
from models.base import utcnow
from models.enums import ImportKind, ImportStatus, Role
from services import audit
from services.concurrency import lock
from services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.imports import kinds as import_kinds
from services.imports.reading import (
    MAX_BYTES,
    PAYLOAD_KEPT,
    Context,
    PayloadTooLarge,
    Report,
    chunks,
    read_rows,
)
from services.scope import get_scoped


def _run_pass(kind: ImportKind, data: bytes, ctx: Context) -> Report:
    spec = import_kinds.KINDS[kind]
    ctx.canonical = {c.field: c.header for c in spec.columns}
    order = {}
    for chunk in chunks(read_rows(data, spec.columns)):
        order = chunk[0].order
        spec.process(ctx, chunk)
        if ctx.write:
            db.session.flush()
    # Each row's refusals in the order of the file's columns.
    ctx.report.refused.sort(key=lambda item: (item["row"], order.get(item["column"], 999)))
    return ctx.report


def import_target(actor: User, kind, home_id=None) -> tuple[ImportKind, Home | None]:
    """Who may import what where (SPEC §5.8): the kind and the Home of the import.

    Units and managers: provincial admins only (403). Representatives and workers: the admin names
    a Home (`home_id`, 422 when missing); a manager imports into their own Home, another Home's id
    answers 404. Representatives may not import (403); an unknown kind is 404.
    """
    kind = template_access(actor, kind)
    if kind in (ImportKind.UNITS, ImportKind.MANAGERS):
        return kind, None
    if home_id in (None, ""):
        if actor.role == Role.PROVINCIAL_ADMIN:
            raise ValidationFailed({"home_id": ["请选择导入到哪个代表之家"]})
        if actor.scope_home_id is None:
            raise Forbidden("您的单位尚无代表之家，不能导入")
        home_id = actor.scope_home_id
    return kind, get_scoped(Home, home_id, actor)


def template_access(actor: User, kind) -> ImportKind:
    """Who may import a kind may download its template (no Home needed)."""
    try:
        kind = ImportKind(kind)
    except ValueError:
        raise NotFound("没有这种导入类型") from None
    if actor.role not in (Role.PROVINCIAL_ADMIN, Role.HOME_MANAGER):
        raise Forbidden("只有省科协办公室和代表之家管理员可以导入")
    if kind in (ImportKind.UNITS, ImportKind.MANAGERS) and actor.role != Role.PROVINCIAL_ADMIN:
        raise Forbidden("依托单位和管理员只能由省科协办公室导入")
    return kind


def run_import(actor: User, kind, data: bytes, file_name: str = "", *, dry_run: bool = True,
               home_id=None) -> tuple[Import, Report]:
    """Check (dry run) or commit one file; returns the Import record and the report.

    Raises NotFound / Forbidden / ValidationFailed (access, `home_id`, `file`) and PayloadTooLarge.
    A commit with refused rows writes nothing but the Import record (status `refused`); the caller
    answers 422 with the report. The caller commits the transaction.
    """
    kind, home = import_target(actor, kind, home_id)
    if data is None or len(data) == 0:
        raise ValidationFailed({"file": ["请选择要导入的 .xlsx 文件"]})
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge("文件超过5 MB，请拆分后分批导入")
    # One pass: a dry run only decides; a commit also writes as it goes, and any refused row rolls
    # the whole transaction back (nothing is written), so the file is parsed once either way.
    ctx = Context(actor, home, write=not dry_run, salt=secrets.token_hex(16))
    report = _run_pass(kind, data, ctx)
    status = ImportStatus.DRY_RUN
    if not dry_run:
        if report.refused:
            db.session.rollback()
            home = db.session.get(Home, home.id) if home is not None else None
            status, ctx = ImportStatus.REFUSED, None
        else:
            status = ImportStatus.COMMITTED
    record = Import(kind=kind, user_id=actor.id, home_id=home.id if home else None,
                    file_name=(file_name or "")[:255], status=status, created=report.created,
                    updated=report.updated, unchanged=report.unchanged,
                    refused_count=len(report.refused_rows), refused=report.refused,
                    preview=report.preview if status != ImportStatus.REFUSED else None,
                    payload=None if status == ImportStatus.COMMITTED else data)
    if status == ImportStatus.COMMITTED and ctx.new_account_ids:
        record.credentials_salt = ctx.salt
        record.credentials_user_ids = ctx.new_account_ids
    db.session.add(record)
    _forget_old_payloads()
    audit.record(actor, "import" if status == ImportStatus.COMMITTED else f"import_{status.value}",
                 record, after={"kind": kind.value, "home_id": record.home_id,
                                "file_name": record.file_name, **report.as_dict(),
                                "refused": record.refused_count})
    return record, report


def commit_dry_run(actor: User, import_id) -> tuple[Import, Report]:
    """Import for real the file a dry run checked — once: the dry run's row is locked and its kept
    file claimed (cleared) before anything is written, so of concurrent confirmations exactly one
    commits. Returns the new Import record and its report (status `committed`, or `refused` when
    rows are refused now: nothing written and the dry run stays confirmable).

    NotFound for another user's import (admins see all); Conflict when it is not a dry run of the
    actor, when another confirmation took it first, or when its file has expired.
    """
    record = get_import(actor, import_id)
    if record.status != ImportStatus.DRY_RUN or record.user_id != actor.id:
        raise Conflict("只有本人的预检结果可以确认导入")
    record = lock(record)
    data = db.session.scalar(sa.select(Import.payload).where(Import.id == record.id))
    if not data:
        raise Conflict("该文件已导入或已过期，请重新上传")
    record.payload = None
    db.session.flush()
    return run_import(actor, record.kind, data, record.file_name, dry_run=False,
                      home_id=record.home_id)


def _forget_old_payloads() -> None:
    """Uploaded files are kept a day for confirming and for the refused rows, then dropped."""
    db.session.execute(sa.update(Import).where(Import.payload.is_not(None),
                                               Import.created_at < utcnow() - PAYLOAD_KEPT)
                       .values(payload=None))


def get_import(actor: User, import_id) -> Import:
    """An import of this user (admins see every import); others' answer 404."""
    record = db.session.get(Import, int(import_id)) if str(import_id).isdigit() else None
    if record is None or (record.user_id != actor.id and actor.role != Role.PROVINCIAL_ADMIN):
        raise NotFound()
    return record
