"""The security administrator's 安全设置 page reads its values in Chinese — 关闭/开启, 是/否, rate
limits as 每分钟 10 次 — never "off", "False" or "10 per minute" (blueprints.display)."""
import pytest

from blueprints.display import rate_limit_text, setting_value
from models.enums import Role
from tests.conftest import login_form, make_app
from tests.support import factories as f


@pytest.mark.parametrize("limit, text", [
    ("10 per minute", "每分钟 10 次"), ("5/minute", "每分钟 5 次"), ("100 per hour", "每小时 100 次"),
    ("1000 per day", "每天 1000 次"), ("3 per 5 minutes", "每 5 分钟 3 次"),
    ("10/second", "每秒 10 次"), ("5 per minute; 100 per day", "每分钟 5 次、每天 100 次"),
    ("20 PER Minute", "每分钟 20 次"), ("2/1 hour", "每小时 2 次"),
])
def test_rate_limits_read_in_chinese(limit, text):
    assert rate_limit_text(limit) == text
    assert setting_value(limit) == text


@pytest.mark.parametrize("value, text", [
    ("off", "关闭"), ("required", "开启（必须）"), ("on", "开启"), (False, "否"), (True, "是"),
    (None, "—"), (0, "0"), (90, "90"), ("lax", "lax"), ("per minute", "per minute"), ("", ""),
])
def test_other_values(value, text):
    assert setting_value(value) == text


def test_the_settings_page_says_it_in_chinese(db):
    app = make_app(SECOND_FACTOR="off", LOGIN_RATE_LIMIT="10 per minute",
                   SESSION_COOKIE_SECURE=False, TOKEN_TTL_HOURS=None)
    with app.app_context():
        sec = f.user(Role.SECURITY_ADMIN, username="sec_settings")
        db.session.commit()
        client = app.test_client()
        assert login_form(client, sec).status_code == 302
        html = client.get("/security/settings").get_data(as_text=True)
    cells = {key: html.split(f'data-testid="setting-{key}">', 1)[1].split("<", 1)[0]
             for key in ("SECOND_FACTOR", "LOGIN_RATE_LIMIT", "SESSION_COOKIE_SECURE",
                         "TOKEN_TTL_HOURS", "LOGIN_LOCKOUT_FAILURES")}
    assert cells == {"SECOND_FACTOR": "关闭", "LOGIN_RATE_LIMIT": "每分钟 10 次",
                     "SESSION_COOKIE_SECURE": "否", "TOKEN_TTL_HOURS": "—",
                     "LOGIN_LOCKOUT_FAILURES": "5"}
    for raw in (">off<", ">False<", "per minute", ">None<"):
        assert raw not in html
