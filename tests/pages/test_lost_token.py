"""A refused CSRF token never loses a long form (issue 10 item 5), with CSRF on as in production."""
import io
import re
import time
from datetime import date
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import Application
from models.enums import UnitKind
from services import clock
from tests.conftest import make_app
from tests.support import factories as f

SITE = {"Origin": "http://localhost"}
SCHEME = "在社区开展面向老年人的科普讲座和智能手机培训。\n" * 48  # 1,200 characters


class _FormReader(HTMLParser):
    """The first POST form of a page's content: its action and the values it would send."""

    def __init__(self):
        super().__init__()
        self.action, self.fields, self._in_form, self._textarea = None, [], False, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if (tag == "form" and a.get("method") == "post" and self.action is None
                and not (a.get("action") or "").endswith("/logout")):  # the navigation's
            self._in_form, self.action = True, a.get("action")
        elif self._in_form and tag == "input" and a.get("name"):
            self.fields.append((a["name"], a.get("value") or ""))
        elif self._in_form and tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            value = self._textarea[1]
            self.fields.append((self._textarea[0], value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def _form_of(html):
    reader = _FormReader()
    reader.feed(html)
    return reader


def _token(html):
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


@pytest.fixture()
def csrf_app(db):
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture()
def applicant_round(world, monkeypatch):
    """An applicant unit with its manager, and an open round."""
    monkeypatch.setattr(clock, "today", lambda: date(2026, 6, 1))
    unit = f.unit(name="江苏省计算机学会", kind=UnitKind.PROVINCIAL_SOCIETY)
    f.user(f.Role.HOME_MANAGER, unit_id=unit.id, username="applicant")
    rnd = f.round_(year=2026, deadline=date(2026, 6, 30), quota=10)
    _db.session.commit()
    return rnd


@pytest.fixture()
def manager(csrf_app, applicant_round):
    """A logged-in applicant manager (CSRF on, password and second factor) with an open round.
    No "remember me": it is never honoured for administrators, home managers included (SPEC §5.13)."""
    rnd = applicant_round
    client = csrf_app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"username": "applicant", "password": f.PASSWORD,
                                       "csrf_token": token})
    assert resp.status_code == 302 and "/login/code" in resp.headers["Location"]
    token = _token(client.get(resp.headers["Location"]).get_data(as_text=True))
    assert client.post("/login/code", data={"otp": f.otp(), "csrf_token": token}).status_code == 302
    return client, rnd


def _application(rnd, token):
    return {"round_id": str(rnd.id), "scheme": SCHEME, "contact_name": "李四",
            "contact_mobile": "13912345678", "email": "a@b.cn", "pledge": "y",
            "save": "保存草稿", "csrf_token": token}


def test_expired_token_gives_the_form_back_with_the_text(manager, monkeypatch):
    """Past WTF_CSRF_TIME_LIMIT (12 h, the longest a login lasts, SPEC §5.13) the form's token and
    the login have both ended: the page keeps the text and says to log in first; after logging in
    again one click posts it. (It used to rely on a manager's remember cookie, which SPEC §5.13 no
    longer gives to administrators.)"""
    client, rnd = manager
    page = client.get("/applications/new").get_data(as_text=True)
    token = _token(page)
    later = time.time() + 13 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    resp = client.post("/applications/new", data=_application(rnd, token), headers=SITE)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "页面已过期" in html and "安全校验码已失效" in html and "请求有误" not in html
    assert "申报方案" in html and "登录也已过期" in html
    form = _form_of(html)
    sent = dict(form.fields)
    assert sent["scheme"] == SCHEME
    assert sent["round_id"] == str(rnd.id) and sent["save"] == "保存草稿"
    assert sent["csrf_token"] and sent["csrf_token"] != token
    assert form.action == "/applications/new"
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 0

    # Logged in again (the link opens another window), one click posts it, and it is saved.
    login_token = _token(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"username": "applicant", "password": f.PASSWORD,
                                       "csrf_token": login_token})
    code_token = _token(client.get(resp.headers["Location"]).get_data(as_text=True))
    assert client.post("/login/code", data={"otp": f.otp(), "csrf_token": code_token}).status_code == 302
    again = client.post(form.action, data=sent, headers=SITE)
    assert again.status_code == 302, again.headers.get("Location")
    assert _db.session.scalar(sa.select(Application.scheme)) == SCHEME.strip()


def test_a_form_restored_without_its_token(manager):
    client, rnd = manager
    data = _application(rnd, "")
    data.pop("csrf_token")
    resp = client.post("/applications/new", data=data,
                       headers={"Referer": "http://localhost/applications/new"})
    assert resp.status_code == 400
    assert dict(_form_of(resp.get_data(as_text=True)).fields)["scheme"] == SCHEME


def test_no_inline_script_on_the_rescue_page(manager):
    client, rnd = manager
    html = client.post("/applications/new", data=_application(rnd, "bad"), headers=SITE) \
        .get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "js/drafts." in html
    assert re.search(r'<textarea[^>]*name="scheme"[^>]*data-draft', html)


def test_tls_ended_at_the_proxy_still_counts_as_this_site(manager):
    client, rnd = manager
    resp = client.post("/applications/new", data=_application(rnd, "bad"),
                       headers={"Origin": "https://localhost"})
    assert resp.status_code == 400
    assert dict(_form_of(resp.get_data(as_text=True)).fields)["scheme"] == SCHEME


def test_cross_site_post_gets_the_explanation_only(manager):
    client, rnd = manager
    resp = client.post("/applications/new", data=_application(rnd, "bad"),
                       headers={"Origin": "https://evil.example"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "页面已过期" in html
    assert "科普讲座" not in html and 'name="scheme"' not in html
    assert _form_of(html).action is None
    other_port = client.post("/applications/new", data=_application(rnd, "bad"),
                             headers={"Origin": "http://localhost:8080"})
    assert other_port.status_code == 400 and "科普讲座" not in other_port.get_data(as_text=True)
    no_origin = client.post("/applications/new", data=_application(rnd, "bad"))
    assert no_origin.status_code == 400 and "科普讲座" not in no_origin.get_data(as_text=True)


def test_passwords_are_never_echoed(csrf_app, world):
    client = csrf_app.test_client()
    resp = client.post("/login", data={"username": "rep_a", "password": "secret-password-9",
                                       "csrf_token": "stale"}, headers=SITE)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "页面已过期" in html
    assert "secret-password-9" not in html
    assert 'type="password"' in html and "rep_a" in html
    sent = dict(_form_of(html).fields)
    sent["password"] = f.PASSWORD
    assert client.post("/login", data=sent, headers=SITE).status_code == 302


def test_files_cannot_be_carried_and_the_page_says_so(csrf_app, world):
    client = csrf_app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "rep_a", "password": f.PASSWORD, "csrf_token": token})
    resp = client.post("/me/activities/new", headers=SITE, content_type="multipart/form-data",
                       data={"title": "科普讲座", "summary": "活动内容" * 30, "csrf_token": "stale",
                             "attachments": (io.BytesIO(b"%PDF-1.4"), "a.pdf")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "附件未能保留" in html
    assert "活动内容" * 30 in html


def test_draft_fields_are_marked_for_local_drafts(csrf_app, world):
    client = csrf_app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "rep_a", "password": f.PASSWORD, "csrf_token": token})
    html = client.get("/me/activities/new").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*name="summary"[^>]*data-draft', html)
    js = client.get("/static/js/drafts.js")
    assert js.status_code == 200 and b"localStorage" in js.data
    js.close()


def test_scheme_field_is_marked_for_local_drafts(manager):
    client, _ = manager
    html = client.get("/applications/new").get_data(as_text=True)
    assert re.search(r'<textarea[^>]*data-draft[^>]*name="scheme"|<textarea[^>]*name="scheme"'
                     r'[^>]*data-draft', html)


def test_logged_out_meanwhile_the_page_says_to_log_in_first(csrf_app, applicant_round):
    rnd = applicant_round
    client = csrf_app.test_client()
    resp = client.post("/applications/new", data=_application(rnd, "stale"), headers=SITE)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and "登录也已过期" in html
    assert "/login?next=" in html and dict(_form_of(html).fields)["scheme"] == SCHEME


# --- control characters in a page form (a manual line break pasted from Word is VT, U+000B) -----

PASTED = "一、座谈会议程\x0b二、科研经费使用交流\x07"


def _rep(csrf_app):
    client = csrf_app.test_client()
    token = _token(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "rep_a", "password": f.PASSWORD, "csrf_token": token})
    return client, _token(client.get("/me/appeals").get_data(as_text=True))


def test_pasted_control_characters_give_the_text_back_cleaned(csrf_app, world):
    from models import Appeal
    client, token = _rep(csrf_app)
    data = {"category": "policy", "content": PASTED, "csrf_token": token}
    resp = client.post("/me/appeals", data=data, headers=SITE)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'data-testid="control-chars"' in html and "“内容”中有不可见的控制字符" in html
    assert "「content」" not in html  # the field is named as the form labels it
    form = _form_of(html)
    sent = dict(form.fields)
    assert form.action == "/me/appeals"
    assert sent["content"] == "一、座谈会议程\n二、科研经费使用交流"  # VT → line break, BEL dropped
    assert sent["category"] == "policy" and sent["csrf_token"]
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Appeal)) == 0
    again = client.post(form.action, data=sent, headers=SITE)
    assert again.status_code in (200, 302)
    assert _db.session.scalar(sa.select(Appeal.content)) == "一、座谈会议程\n二、科研经费使用交流"


def test_control_characters_from_another_site_are_refused_as_before(csrf_app, world):
    client, token = _rep(csrf_app)
    data = {"category": "policy", "content": PASTED, "csrf_token": token}
    for headers in ({"Origin": "https://evil.example"}, {}):
        resp = client.post("/me/appeals", data=data, headers=headers)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 422 and "不能包含控制字符" in html
        assert "座谈会议程" not in html and _form_of(html).action is None
