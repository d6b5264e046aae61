"""Running an activity's sign-in (SPEC §5.9): open and close, the attendance page with its Excel
export and 代签, and the A4 poster. Every page loads the activity through the scope (404 outside);
the service refuses a role that may not act (403) before it reads any field.
"""
from datetime import datetime, time
from io import BytesIO

from flask import redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from blueprints import xlsx
from blueprints.activities.loading import after_save_url, load_activity
from blueprints.signin import bp
from blueprints.signin.panel import door_url
from blueprints.web import commit_operation
from blueprints.web.exports import log_export
from services import clock, signin
from services.errors import Forbidden, ValidationFailed

PROXY_FIELDS = ("name", "mobile", "work_unit", "field")


def _closes_at(activity):
    """The form's 结束时间 (HH:MM on the activity's date, Asia/Shanghai), or None when blank."""
    raw = (request.form.get("closes_at") or "").strip()
    if not raw:
        return None
    try:
        moment = time.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed({"closes_at": ["结束签到时间应为“时:分”，例如 17:30"]}) from None
    return datetime.combine(activity.date, moment)


def _back(activity):
    return redirect(after_save_url(activity) + "#signin", code=303)


@bp.route("/me/activities/<int:activity_id>/signin/open", methods=["POST"])
@login_required
def open_signin(activity_id):
    """Open (or reopen) sign-in; back to the activity's page with the QR code."""
    activity = load_activity(activity_id)
    if not signin.can_open(current_user, activity):  # the role before the fields
        raise Forbidden(signin.OPEN_REFUSED)
    commit_operation(lambda: signin.open_signin(current_user, activity, _closes_at(activity)),
                     failure="未能开启签到：", success="签到已开启：请出示二维码或张贴海报")
    return _back(activity)


@bp.route("/me/activities/<int:activity_id>/signin/close", methods=["POST"])
@login_required
def close_signin(activity_id):
    """Close sign-in at once."""
    activity = load_activity(activity_id)
    commit_operation(lambda: signin.close_signin(current_user, activity),
                     failure="未能结束签到：", success="签到已结束")
    return _back(activity)


@bp.route("/me/activities/<int:activity_id>/attendance")
@login_required
def attendance(activity_id):
    """The attendance list (mobiles masked per SPEC §4), with export, poster and 代签."""
    activity = load_activity(activity_id)
    row = signin.signin_of(activity)
    return render_template("signin/attendance.html", activity=activity, row=row,
                           data=signin.attendance(current_user, activity),
                           is_open=signin.is_open(row), url=door_url(row.code) if row else "",
                           can_proxy=signin.can_proxy(current_user, activity),
                           values={}, errors={})


@bp.route("/me/activities/<int:activity_id>/signin/proxy", methods=["POST"])
@login_required
def proxy(activity_id):
    """代签: the organiser signs in a person without a phone (the mobile may be blank)."""
    activity = load_activity(activity_id)
    if not signin.can_proxy(current_user, activity):
        raise Forbidden("只有活动组织者可以代签")
    values = {k: request.form.get(k, "") for k in PROXY_FIELDS}
    values["is_worker"] = request.form.get("is_worker") == "1"
    outcome = commit_operation(
        lambda: signin.proxy_sign_in(current_user, activity, values), failure=None,
        success=lambda r: (f"已代签：第 {r.attendee_no} 号" if r.created
                           else f"该手机号已签到（第 {r.attendee_no} 号）"))
    if outcome:
        return redirect(url_for("signin.attendance", activity_id=activity_id), code=303)
    activity = load_activity(activity_id)
    row = signin.signin_of(activity)
    return render_template("signin/attendance.html", activity=activity, row=row,
                           data=signin.attendance(current_user, activity),
                           is_open=signin.is_open(row), url=door_url(row.code) if row else "",
                           can_proxy=True, values=values, errors=outcome.error.fields or
                           {"name": [outcome.error.message]}), outcome.error.status


@bp.route("/me/activities/<int:activity_id>/attendance.xlsx")
@login_required
def export(activity_id):
    """The attendance list as an Excel workbook (the same masking as the page); audited."""
    activity = load_activity(activity_id)
    data = signin.attendance(current_user, activity)
    wb = xlsx.book()
    xlsx.write_table(
        wb, "签到名单", ["序号", "姓名", "工作单位", "从事领域", "手机号", "科技工作者", "代签",
                     "签到时间", "说明"],
        [(r.attendee_no, r.name, r.work_unit, r.field, r.mobile,
          "是" if r.is_worker else "否", "是" if r.proxy else "",
          clock.local(r.signed_at).strftime("%Y-%m-%d %H:%M"), r.note)
         for r in data["items"]],
        above=[xlsx.Line([f"{activity.title}（{activity.date.isoformat()}）签到名单"], fit=False),
               xlsx.Line([])])
    out = xlsx.save(wb)
    log_export("签到名单（Excel）", data["count"], object_type="activities", object_id=activity.id)
    return send_file(out, as_attachment=True, download_name=f"签到名单-{activity.id}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/me/activities/<int:activity_id>/signin/poster.pdf")
@login_required
def poster(activity_id):
    """The A4 poster (QR code, title, date, the address to type) of an opened sign-in."""
    activity = load_activity(activity_id)
    if not signin.can_open(current_user, activity):
        raise Forbidden(signin.OPEN_REFUSED)
    row = signin.signin_of(activity)
    if row is None:
        return redirect(after_save_url(activity) + "#signin")
    pdf = signin.poster_pdf(signin.Poster(
        title=activity.title, day=activity.date, location=activity.location,
        home_name=activity.home.name, url=door_url(row.code), code=row.code))
    return send_file(BytesIO(pdf), mimetype="application/pdf", as_attachment=False,
                     download_name=f"签到海报-{activity.id}.pdf")
