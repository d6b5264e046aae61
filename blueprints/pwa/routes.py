"""/manifest.webmanifest, /sw.js and /offline.

The service worker lives at a fixed root URL so that its scope is the whole site (a script under
/static/ could only control /static/). Its source is static/js/sw.js; /sw.js serves it with a first
line naming the shell it keeps offline: the offline page and the assets that page links (as
url_for writes them, so renamed or content-hashed assets stay right) and a version derived from
both, so a changed shell or script installs a new worker. The offline page is rendered without the
signed-in user: the worker may keep it, and it must hold nothing personal.
"""
import hashlib
import json
import re
from pathlib import Path

from flask import current_app, render_template, url_for

from blueprints.pwa import bp

NAME = "科协代表之家"
SHORT_NAME = "代表之家"
THEME_COLOR = "#0b4f8a"  # --rh-primary-dark of static/css/app.css: the navigation bar
ICONS = (("icons/icon-192.png", "192x192", "any"), ("icons/icon-512.png", "512x512", "any"),
         ("icons/maskable-512.png", "512x512", "maskable"))
_ASSET = re.compile(r'<(?:link|script)\b[^>]*?\b(?:href|src)="([^"]+)"')


def _offline_html() -> str:
    return render_template("pwa/offline.html", name=NAME, theme_color=THEME_COLOR)


def shell_urls() -> list[str]:
    """The offline page's URL and every same-site asset it links, then the icons."""
    urls = [url_for("pwa.offline")]
    for href in _ASSET.findall(_offline_html()):
        if href.startswith("/") and not href.startswith("//") and href not in urls:
            urls.append(href)
    urls += [url_for("static", filename=path) for path, _size, _purpose in ICONS]
    return urls


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest (application/manifest+json): name, icons, start page, colours."""
    body = {
        "name": NAME, "short_name": SHORT_NAME, "lang": "zh-CN", "dir": "ltr",
        "description": "科协代表之家服务平台：记录活动、联系科技工作者、收集诉求建议",
        "start_url": url_for("main.index"), "scope": "/", "id": "/",
        "display": "standalone", "orientation": "portrait",
        "theme_color": THEME_COLOR, "background_color": "#ffffff",
        "icons": [{"src": url_for("static", filename=path), "sizes": size, "type": "image/png",
                   "purpose": purpose} for path, size, purpose in ICONS],
    }
    response = current_app.response_class(json.dumps(body, ensure_ascii=False),
                                          mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/sw.js")
def service_worker():
    """The service worker (text/javascript, never cached by HTTP: browsers check it for updates)."""
    source = Path(current_app.static_folder, "js", "sw.js").read_text(encoding="utf-8")
    urls = shell_urls()
    version = hashlib.sha256((source + _offline_html() + "\n".join(urls)).encode()).hexdigest()[:16]
    shell = {"version": version, "offline": urls[0], "urls": urls}
    body = f"self.REPHOME_SHELL = {json.dumps(shell, ensure_ascii=False)};\n{source}"
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline():
    """The page the service worker shows when a page cannot be reached: it lists, from this
    device's drafts, what waits to be sent."""
    return _offline_html()
