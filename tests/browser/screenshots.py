"""Screenshots of the three dashboards on the demo province, for the README.

    .venv/bin/python -m tests.browser.screenshots [OUT_DIR]     (default docs/screenshots)

Builds a throw-away SQLite database, runs `services.demo.seed_demo()`, serves the app on
127.0.0.1 and saves province.png, home.png, representative.png and the phone views (390 px)
queue-phone.png and me-phone.png with Debian's Chromium (install fonts-noto-cjk first, or the
Chinese comes out as boxes).
Not a test (pytest does not collect it); the browser tests are tests/browser/test_browser.py.
"""
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.browser.test_browser import ARGS, CHROMIUM

SHOTS = [  # (file, username, path, viewport width, expected charts)
    ("province.png", "admin", "/dashboard/province", 1280, 5),
    ("home.png", "nanjing_admin", "/dashboard/home", 1280, 2),
    ("representative.png", "rep_nanjing", "/dashboard/representative", 430, 2),
    ("queue-phone.png", "nanjing_admin", "/manage/queue", 390, 0),
    ("me-phone.png", "rep_nanjing", "/me/", 390, 0),
]


def build_app(tmp: str):
    from app import create_app
    from config import TestingConfig
    from extensions import db
    from services.demo.seed import seed_demo

    class ShotConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp}/demo.db"
        UPLOAD_DIR = f"{tmp}/uploads"
        SECOND_FACTOR = "off"  # the demo of `make run`, as its login page says

    app = create_app(ShotConfig)
    with app.app_context():
        db.create_all()
        seed_demo()
        db.session.commit()
    return app


def main(out_dir: str = "docs/screenshots") -> None:
    from services.demo.seed import DEMO_PASSWORD

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rephome-shots-") as tmp:
        app = build_app(tmp)
        srv = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{srv.server_port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for filename, username, path, width, charts in SHOTS:
                    phone = width < 500
                    context = browser.new_context(viewport={"width": width,
                                                            "height": 844 if phone else 900},
                                                  device_scale_factor=1, locale="zh-CN",
                                                  is_mobile=phone, has_touch=phone)
                    page = context.new_page()
                    page.goto(base + "/login")
                    page.fill("input[name=username]", username)
                    page.fill("input[name=password]", DEMO_PASSWORD)
                    page.click("#submit")
                    page.wait_for_load_state()
                    page.goto(base + path)
                    page.wait_for_function(
                        "n => { const els = [...document.querySelectorAll('[data-figure]')];"
                        " return els.length >= n &&"
                        " els.every(el => el.querySelector('svg.main-svg')); }",
                        arg=charts, timeout=20000)
                    page.wait_for_timeout(500)
                    page.screenshot(path=str(out / filename), full_page=True)
                    print(out / filename)
                    context.close()
                browser.close()
        finally:
            srv.shutdown()


if __name__ == "__main__":
    main(*sys.argv[1:2])
