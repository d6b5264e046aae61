"""/audit and GET /api/v1/audit for the audit administrator: filters, keyset pages, .xlsx export
(SPEC §5.13, §8); nobody else reads the log."""
from io import BytesIO

import sqlalchemy as sa
from openpyxl import load_workbook

from extensions import db as _db
from models import AuditLog
from models.enums import Role
from services import audit
from tests.conftest import login_form
from tests.support import factories


def _log(n, actor=None, action="test_event", result="success"):
    for i in range(n):
        audit.record(actor, action, object_type="things", object_id=i, result=result,
                     detail={"i": i})
    _db.session.commit()


def test_api_pages_with_after_and_filters(world, api):
    auditor = factories.user(Role.AUDIT_ADMIN)
    _db.session.commit()
    _log(5, world.admin)
    _log(3, None, action="login_failure", result="failure")
    client = api(auditor)
    first = client.get("/audit?per_page=4").get_json()
    assert first["per_page"] == 4 and len(first["items"]) == 4 and first["next"]
    second = client.get(f"/audit?per_page=4&after={first['next']}").get_json()
    ids = [e["id"] for e in first["items"] + second["items"]]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    failures = client.get("/audit?result=failure").get_json()["items"]
    assert [e["action"] for e in failures] == ["login_failure"] * 3
    assert failures[0]["actor"] is None and failures[0]["detail"] == {"i": 2}
    mine = client.get(f"/audit?actor_id={world.admin.id}&action=test_event").get_json()["items"]
    assert len(mine) == 5 and mine[0]["actor"] == "admin1"
    assert set(mine[0]) == {"id", "at", "actor_id", "actor", "address", "action", "object_type",
                            "object_id", "result", "detail"}
    resp = client.get("/audit?from=2026-13-01&result=maybe&per_page=0")
    assert resp.status_code == 422
    assert set(resp.get_json()["error"]["fields"]) == {"from", "result", "per_page"}


def test_nobody_else_reads_the_log_and_roles_come_before_validation(world, api):
    for user in (world.admin, world.manager_a, world.rep_a,
                 factories.user(Role.SYSTEM_ADMIN), factories.user(Role.SECURITY_ADMIN)):
        _db.session.commit()
        resp = api(user).get("/audit?result=maybe")
        assert resp.status_code == 403, user.role
    assert api().get("/audit").status_code == 401


def test_page_filters_and_export_is_audited(world, client):
    auditor = factories.user(Role.AUDIT_ADMIN)
    _db.session.commit()
    _log(3, world.admin)
    login_form(client, auditor)
    page = client.get("/audit/?action=test_event")
    assert page.status_code == 200 and "test_event" in page.get_data(as_text=True)
    bad = client.get("/audit/?from=not-a-date").get_data(as_text=True)
    assert "开始日期格式应为 YYYY-MM-DD" in bad
    resp = client.get("/audit/export?action=test_event")
    assert resp.status_code == 200
    sheet = load_workbook(BytesIO(resp.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and len(rows) == 4
    [export] = _db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "export")).all()
    assert export.actor_id == auditor.id and export.detail["rows"] == 3
    assert audit.verify_chain().ok
