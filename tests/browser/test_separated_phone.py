# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""On a 390×844 phone, the separated administrators' landing pages (SPEC §5.13): the 待办 panel
first, each entry a working link, the system administrator's role form and the audit log's labels
without sideways scrolling.

Uses the fixtures of test_browser.py (the live app on port 0, Debian's Chromium).
"""
from datetime import timedelta

import sqlalchemy as sa

from extensions import db
from models import User
from models.base import utcnow
from models.enums import Role
from services import audit
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401  (fixtures)
from tests.support import factories as f


def test_separated_administrators_on_a_phone(browser, server, world):
    system = f.user(Role.SYSTEM_ADMIN, username="sys_admin")
    security = f.user(Role.SECURITY_ADMIN, username="sec_admin")
    auditor = f.user(Role.AUDIT_ADMIN, username="audit_admin")
    db.session.execute(sa.update(User).where(User.id == world.rep_a.id)
                       .values(locked_until=utcnow() + timedelta(minutes=10)))
    audit.record(None, "login_failure", object_type="users", object_id=world.rep_a.id,
                 result=audit.FAILURE, detail={"username": "rep_a", "reason": "wrong_password",
                                               "channel": "web"})
    db.session.commit()
    watches = []
    for user, landing, key, lands_on in (
            (security, "/security/users", "locked", "locked=1"),
            (system, "/sysadmin/users", "failed_jobs", "status=failed"),
            (auditor, "/audit/", "chain", "action=audit_verified")):
        page = new_page(browser, watches)
        log_in(page, server, user)
        page.goto(server + landing)
        assert page.locator("[data-testid=todo]").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, landing
        if landing == "/audit/":
            assert "登录失败" in page.content() and "密码错误" in page.content()
        if landing == "/security/users":
            assert page.locator(f"[data-testid=todo-{key}-count]").inner_text().strip() == "1"
        if landing == "/sysadmin/users":
            form = page.locator(f"[data-testid=role-form-{security.id}]")
            assert form.is_visible()
            box = form.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
        page.click(f"[data-testid=todo-{key}]")
        page.wait_for_load_state()
        assert lands_on in page.url
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url
    for watch in watches:
        watch.assert_clean()
