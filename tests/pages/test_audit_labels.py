"""The audit administrator reads the log in Chinese (SPEC §5.13): actions, object types, results and
details have Chinese labels on /audit and in the .xlsx export; the raw codes stay visible beside
them (small, and in a column of the export) for auditors."""
from io import BytesIO

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from extensions import db as _db
from models.enums import Role
from services import audit
from tests.conftest import login_form
from tests.support import factories


@pytest.fixture()
def auditor_client(app, world):
    auditor = factories.user(Role.AUDIT_ADMIN, username="auditor")
    _db.session.commit()
    client = app.test_client()
    assert login_form(client, auditor).status_code == 302
    return client


def _events(world):
    audit.record(None, "login_failure", object_type="users", object_id=world.rep_a.id,
                 result=audit.FAILURE, detail={"username": "rep_a", "reason": "wrong_password",
                                               "channel": "api"})
    audit.record(world.admin, "role_changed", world.admin, before={"role": "audit_admin"},
                 after={"role": "security_admin"})
    audit.record(world.admin, "brand_new_action", object_type="gadgets", object_id=7)
    _db.session.commit()


def test_the_page_names_actions_objects_results_and_details_in_chinese(world, auditor_client):
    _events(world)
    html = auditor_client.get("/audit/").get_data(as_text=True)
    assert "登录失败" in html and "变更角色" in html and ">用户</span> #" in html
    assert "密码错误" in html and "渠道：API" in html and "用户名：rep_a" in html
    assert "角色：审计管理员 → 安全管理员" in html
    assert ">失败</span>" in html and ">成功</span>" in html
    # The raw codes stay readable for auditors, small and in a tooltip.
    assert 'title="login_failure"' in html and '<code class="d-block small text-muted" ' \
        'data-testid="code">role_changed</code>' in html
    assert "原始记录" in html and "wrong_password" in html
    # An action nobody named yet shows by its code, never hidden.
    assert "brand_new_action" in html and "gadgets" in html
    # The filters offer the labelled actions and object types.
    assert 'value="role_changed"' in html and "变更角色（role_changed）" in html
    assert "用户（users）" in html


def test_the_filter_keeps_an_unknown_action(world, auditor_client):
    _events(world)
    html = auditor_client.get("/audit/?action=brand_new_action").get_data(as_text=True)
    assert '<option value="brand_new_action" selected>' in html
    assert "变更角色" not in html.split("<tbody>")[1]


def test_the_export_has_chinese_headers_labels_and_the_codes(world, auditor_client):
    _events(world)
    resp = auditor_client.get("/audit/export")
    rows = list(load_workbook(BytesIO(resp.data)).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[:9] == ("编号", "时间（北京时间）", "操作人", "客户端地址", "操作", "对象类型",
                          "对象编号", "结果", "详情")
    assert header[9:] == ("操作代码", "对象类型代码", "结果代码", "详情（原始 JSON）")
    by_code = {row[9]: row for row in rows[1:]}
    failure = by_code["login_failure"]
    assert failure[4] == "登录失败" and failure[5] == "用户" and failure[7] == "失败"
    assert "原因：密码错误" in failure[8] and '"reason": "wrong_password"' in failure[12]
    assert by_code["role_changed"][8] == "角色：审计管理员 → 安全管理员"
    assert by_code["brand_new_action"][4] == "brand_new_action"


def test_readable_detail_of_a_created_object_is_short(world):
    audit.record(world.admin, "create", world.rep_a)
    _db.session.commit()
    from models import AuditLog
    entry = _db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "create")).first()
    lines = audit.readable_detail(entry)
    assert len(lines) <= 9  # eight fields and "……另有 N 项"
    assert "用户名：rep_a" in lines and "角色：代表" in lines
    assert lines[-1].startswith("……另有 ")
