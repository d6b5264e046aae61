"""A refused CSRF token never loses what the user typed.

When a form's token is refused (past WTF_CSRF_TIME_LIMIT, or a page the browser restored), the
answer is a Chinese page, status 400, that explains why and holds what was written in a form with a
fresh token: one click posts it again to the same address. Passwords are never echoed (blank fields
ask for them again) and files cannot be carried over (the page says so). A POST that did not come
from this site (no same-origin Origin or Referer) gets the explanation only, so a forged request
cannot be turned into a valid one by a click.

The same page answers a form whose text holds control characters (a manual line break pasted from
Word is VT, U+000B): status 422, the fields named in Chinese, what was written shown with those
characters taken out (line breaks kept as line breaks), to check and post again
(`control_rescue`, called by blueprints.input_guard for same-origin page forms), and a form refused
by a rate limit (429: a public appeal from a network that many people share) keeps its text too
(`rate_limited_rescue`, called by blueprints.errors.handlers).

A login that has ended meanwhile (idle timeout, 12 hours, logout elsewhere, SPEC §5.13) is rescued
the same way: a same-origin page POST that needs a login answers 401 with what was written (never
passwords) and a link that logs in in a new window; back on the page, one click posts it again
(`session_ended_rescue`, Flask-Login's unauthorized handler). Other requests go to the login page.

A token refused because the page's address (Referer, on HTTPS) is not the address the request
reached is a configuration fault, not an expired page: typically a reverse proxy on a port that
passes `Host $host` (no port) or whose X-Forwarded-Host/-Port are not trusted (PROXY_FIX_X_FOR). It is
logged as such (a WARNING naming both addresses) and answered with a page that says so (400).
"""
import logging
from urllib.parse import urlsplit

from flask import render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from blueprints.errors.responses import api_error, is_api_request

# Chinese labels of the fields the forms use; others are carried along without a label.
LABELS = {
    "scheme": "申报方案", "summary": "内容", "title": "标题", "content": "内容", "reason": "理由",
    "opinion": "意见", "comment": "意见", "remark": "备注", "note": "备注", "location": "地点",
    "participants": "参加人员", "contact_name": "联系人", "contact_mobile": "手机", "fax": "传真",
    "email": "电子信箱", "name": "姓名", "username": "用户名", "mobile": "手机", "date": "日期",
    "work_unit": "工作单位", "speciality": "专业特长", "description": "说明", "reply": "答复",
    "password": "密码", "current_password": "当前密码", "new_password": "新密码",
    "confirm": "确认新密码",
}
_SECRET_WORDS = ("password", "confirm", "secret", "token")
#: Flask-WTF's reason when the Referer of an HTTPS POST is not on the request's host.
HOST_MISMATCH = "The referrer does not match the host."
log = logging.getLogger(__name__)
_LONG = 60


def _ours(url: str) -> bool:
    """Same host (the scheme may differ when TLS ends at a proxy that PROXY_FIX_X_FOR does not trust)."""
    here, there = urlsplit(request.host_url), urlsplit(url)
    return there.scheme in ("http", "https") and there.netloc == here.netloc


def same_origin() -> bool:
    """Whether the refused POST came from one of this site's own pages."""
    for header in ("Origin", "Referer"):
        value = request.headers.get(header)
        if value:
            return _ours(value)
    return False


def _kept_fields(clean=lambda value: value) -> tuple[list[dict], list[dict]]:
    """(long texts shown for editing, other values carried as hidden fields) of the refused POST,
    each value passed through `clean`; a field whose value `clean` changed is shown for editing."""
    shown, hidden = [], []
    for name in request.form:
        if name == "csrf_token":
            continue
        if any(word in name.lower() for word in _SECRET_WORDS):
            shown.append({"name": name, "label": LABELS.get(name, "密码"), "secret": True})
            continue
        raw = request.form.getlist(name)
        values = [clean(value) for value in raw]
        if len(values) == 1 and (len(values[0]) > _LONG or "\n" in values[0]
                                 or values != raw):
            shown.append({"name": name, "label": LABELS.get(name, "填写的内容"), "value": values[0],
                          "rows": min(20, max(4, values[0].count("\n") + len(values[0]) // 60 + 1))})
        else:
            hidden.extend({"name": name, "value": value, "label": LABELS.get(name)}
                          for value in values)
    return shown, hidden


def control_rescue(bad_fields: list[str]):
    """The 422 page for a same-origin page form whose text holds control characters: what was
    written, without them, in a form that posts it again to the same address."""
    from services.input_rules import without_forbidden_chars

    shown, hidden = _kept_fields(without_forbidden_chars)
    named = [LABELS.get(name, "填写的内容") for name in dict.fromkeys(bad_fields)]
    files = any(f.filename for f in request.files.values())
    referrer = request.referrer
    back = referrer if referrer and _ours(referrer) else url_for("main.index")
    return render_template("errors/control_chars.html", shown=shown, hidden=hidden, files=files,
                           action=request.full_path.rstrip("?"), back=back,
                           named="、".join(dict.fromkeys(named))), 422


def rate_limited_rescue():
    """The 429 page for a same-origin page form (a 代表码 appeal, an objection, a login): what was
    written is given back, in a form that posts it again once the limit has passed."""
    shown, hidden = _kept_fields()
    files = any(f.filename for f in request.files.values())
    referrer = request.referrer
    back = referrer if referrer and _ours(referrer) else url_for("main.index")
    return render_template("errors/429.html", rescue=True, shown=shown, hidden=hidden,
                           files=files, action=request.full_path.rstrip("?"), back=back), 429


def session_ended_rescue():
    """Flask-Login's unauthorized handler: the 401 rescue page for a same-origin page POST whose
    login has ended; otherwise the login page, as Flask-Login does by default."""
    from flask import flash, redirect
    from flask_login import login_url

    from extensions import login_manager

    if request.method == "POST" and not request.path.startswith("/api/") and same_origin():
        shown, hidden = _kept_fields()
        if shown or hidden:
            files = any(f.filename for f in request.files.values())
            referrer = request.referrer
            back = referrer if referrer and _ours(referrer) else url_for("main.index")
            return render_template("errors/session_ended.html", shown=shown, hidden=hidden,
                                   files=files, action=request.full_path.rstrip("?"),
                                   back=back), 401
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def host_mismatch():
    """The 400 page (and WARNING log line) for a POST whose page address is not the request's."""
    seen = request.host_url.rstrip("/")
    referrer = urlsplit(request.referrer or "")
    page = f"{referrer.scheme}://{referrer.netloc}"
    log.warning("CSRF refused: host mismatch: the form's page is on %r but the request reached %r "
                "(%s %s). Behind a reverse proxy, pass the browser's scheme, host and port (nginx: "
                "proxy_set_header Host $http_host; X-Forwarded-Host, -Port, -Proto) and set "
                "PROXY_FIX_X_FOR (docs/deployment.md).", page, seen, request.method, request.path)
    return render_template("errors/host_mismatch.html", page_host=page, seen_host=seen), 400


def register(app) -> None:
    """Answer CSRFError on pages with the rescue page (the API is exempt from CSRF), and an ended
    login's page POST with the kept form."""
    from extensions import login_manager

    login_manager.unauthorized_handler(session_ended_rescue)

    @app.errorhandler(CSRFError)
    def lost_token(error: CSRFError):
        if is_api_request():
            return api_error(422, "安全校验失败，请重试")
        if error.description == HOST_MISMATCH:
            return host_mismatch()
        rescue = request.method == "POST" and same_origin()
        shown, hidden = _kept_fields() if rescue else ([], [])
        files = rescue and any(f.filename for f in request.files.values())
        referrer = request.referrer
        back = referrer if rescue and referrer and _ours(referrer) else url_for("main.index")
        action = request.full_path.rstrip("?")
        # The login may have lapsed too: log in in another tab, then post again from here (the
        # token on this page stays valid, and the text is kept as a local draft meanwhile).
        login_first = (rescue and not current_user.is_authenticated
                       and request.endpoint != "auth.login")
        return render_template("errors/lost_token.html", rescue=rescue, shown=shown, hidden=hidden,
                               files=files, action=action, back=back, login_first=login_first), 400
