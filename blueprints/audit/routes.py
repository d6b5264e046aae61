"""/audit: filters (time range, actor, action, object type, result), keyset pages (`after=`), and
an .xlsx export of the filtered range (at most 100,000 rows, itself audited). Actions, object types,
results and details are shown in Chinese (services/audit/labels.py), each code kept beside its
label for the auditor."""
import json
from io import BytesIO

from flask import abort, make_response, render_template, request, send_file
from flask_login import current_user

from blueprints import xlsx
from blueprints.audit import bp
from blueprints.decorators import roles_required
from blueprints.web import list_url
from blueprints.web.exports import log_export
from blueprints.xlsx import XLSX_MIME
from models.enums import Role
from services import audit, clock
from services.errors import ValidationFailed

AUDITOR = Role.AUDIT_ADMIN
PER_PAGE = 50
HEADERS = ["编号", "时间（北京时间）", "操作人", "客户端地址", "操作", "对象类型", "对象编号", "结果",
           "详情", "操作代码", "对象类型代码", "结果代码", "详情（原始 JSON）"]


def _filters():
    try:
        return audit.parse_filters(request.args), {}
    except ValidationFailed as error:
        return audit.parse_filters({}), error.fields


def _after():
    """The `after=` cursor (the last id of the previous page; empty: the first page); anything
    else answers 422 with the page that names it (blueprints/web/paging.py)."""
    raw = request.args.get("after", "")
    if not raw:
        return None
    if raw.isascii() and raw.isdigit() and len(raw) <= 12:
        return int(raw)
    abort(make_response(render_template("errors/bad_cursor.html", field="after",
                                        first_url=list_url()), 422))


@bp.route("/")
@roles_required(AUDITOR)
def index():
    """The log, newest first, 50 a page; bad filters are named and ignored."""
    filters, errors = _filters()
    rows, next_cursor = audit.list_entries(current_user, filters, after=_after(),
                                           per_page=PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "after"}
    return render_template("audit/index.html", rows=rows, next_cursor=next_cursor, args=args,
                           errors=errors, actions=audit.ACTION_LABELS, objects=audit.OBJECT_LABELS,
                           detail=audit.entry_detail, readable=audit.readable_detail,
                           action_label=audit.action_label, object_label=audit.object_label,
                           result_label=audit.result_label, local=clock.local)


@bp.route("/export")
@roles_required(AUDITOR)
def export():
    """The filtered range as .xlsx (newest first, at most EXPORT_LIMIT rows)."""
    filters, _errors = _filters()
    rows, truncated = audit.export_entries(current_user, filters)
    workbook = xlsx.book()

    def lines():
        for entry, username, name in rows:
            raw = json.dumps(audit.entry_detail(entry), ensure_ascii=False, default=str)
            yield [entry.id, clock.local(entry.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                   f"{name}（{username}）" if username else "—", entry.address or "",
                   audit.action_label(entry.action), audit.object_label(entry.object_type),
                   entry.object_id, audit.result_label(entry.result),
                   "；".join(audit.readable_detail(entry)), entry.action, entry.object_type,
                   entry.result, raw]

    xlsx.write_table(workbook, "审计日志", HEADERS, lines(),
                     footer=[f"超过 {audit.EXPORT_LIMIT} 行，已截断：请缩小时间范围分批导出"]
                     if truncated else None)
    out = BytesIO()
    workbook.save(out)
    log_export("审计日志（Excel）", len(rows), object_type="audit_log")
    out.seek(0)
    return send_file(out, as_attachment=True, download_name="审计日志.xlsx", mimetype=XLSX_MIME)
