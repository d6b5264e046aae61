"""The installable shell: /manifest.webmanifest, /sw.js and /offline answer anyone (the separated
administrators too), with their content types; the offline page and the worker's shell hold nothing
of the signed-in user; the activity form carries what upload.js and drafts.js need."""
import json
import re

import pytest

from models.enums import Role
from tests.conftest import login_form
from tests.support import factories


def test_manifest_is_chinese_with_png_icons(client, db):
    resp = client.get("/manifest.webmanifest")
    assert resp.status_code == 200 and resp.mimetype == "application/manifest+json"
    body = json.loads(resp.get_data(as_text=True))
    assert body["name"] == "科协代表之家" and body["lang"] == "zh-CN"
    assert body["scope"] == "/" and body["display"] == "standalone"
    for icon in body["icons"]:
        png = client.get(icon["src"])
        assert png.status_code == 200 and png.mimetype == "image/png"
        assert png.data.startswith(b"\x89PNG")
    assert {"any", "maskable"} == {icon["purpose"] for icon in body["icons"]}


def test_service_worker_is_served_at_the_root_with_its_shell(client, db):
    resp = client.get("/sw.js")
    assert resp.status_code == 200 and resp.mimetype == "text/javascript"
    assert resp.headers["Service-Worker-Allowed"] == "/"
    assert resp.headers["Cache-Control"] == "no-cache"
    text = resp.get_data(as_text=True)
    shell = json.loads(re.match(r"self\.REPHOME_SHELL = (.*);\n", text).group(1))
    assert shell["offline"] == "/offline" and shell["urls"][0] == "/offline"
    # Static files under their content-hashed names (extensions/assets.py): a changed file changes
    # the shell's URLs, and with them the worker's version.
    hashed = re.compile(r"/static/js/(drafts|offline)\.[0-9a-f]{12}\.js")
    assert {m.group(1) for u in shell["urls"] if (m := hashed.fullmatch(u))} == {"drafts", "offline"}
    assert any(re.fullmatch(r".*/bootstrap\.min\.[0-9a-f]{12}\.css", u) for u in shell["urls"])
    # Only the shell: no page of a signed-in user, and never a non-GET (the worker skips them).
    assert not [u for u in shell["urls"] if u.startswith(("/me", "/manage", "/dashboard", "/api"))]
    assert 'request.method !== "GET"' in text
    # The same script twice has the same version; a different shell would change it.
    assert client.get("/sw.js").get_data(as_text=True) == text


def test_offline_page_holds_nothing_of_the_user(client, world):
    login_form(client, world.rep_a)
    resp = client.get("/offline")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "暂时无法连接服务器" in html and "等待发送" in html
    assert world.rep_a.name not in html and "退出" not in html and "csrf_token" not in html


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_separated_administrators_reach_the_shell(client, db, role):
    user = factories.user(role, username=f"u_{role.value}")
    db.session.commit()
    login_form(client, user)
    assert client.get("/me/activities/new").status_code == 403  # signed in, and separated
    for path in ("/sw.js", "/manifest.webmanifest", "/offline"):
        assert client.get(path).status_code == 200, path


def test_pages_link_the_manifest_and_register_the_worker(client, world):
    login_form(client, world.rep_a)
    html = client.get("/me/activities/new").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert re.search(r"/static/js/pwa\.[0-9a-f]{12}\.js", html)
    assert re.search(r"/static/js/upload\.[0-9a-f]{12}\.js", html)
    form = re.search(r"<form[^>]*activity-form[^>]*>", html, re.S).group(0)
    assert "data-upload" in form and 'data-form-draft="auto"' in form
    assert f'data-draft-owner="{world.rep_a.id}"' in form
    assert "data-keep-originals hidden" in html  # shown only by the script
