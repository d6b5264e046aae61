"""Every audit code RepHome writes has a Chinese label (SPEC §5.13): each action and object type the
source records, each column an audited model's snapshot holds and each detail key — so a new
feature cannot add one the audit administrator reads raw. Also: details show instants in Beijing
time like the row, a status reads by its own model's enum, and the 操作人 filter takes a username."""
import ast
import pathlib
from datetime import UTC, datetime

import pytest

from extensions import db as _db
from models.enums import AppealStatus, ImportStatus, ObjectionDecision, Role
from services import audit
from services.audit import labels
from services.errors import ValidationFailed
from tests.conftest import login_form
from tests.support import factories

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCES = ("services", "blueprints", "jobs", "cli")
#: Calls whose second positional argument (after the actor) is an action code.
ACTION_CALLS = {"record", "record_many", "record_rows"}
#: Calls that take object_type= (record and the export/download helpers).
OBJECT_CALLS = ACTION_CALLS | {"record_export", "record_download", "log_export"}


def _name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _branches(node) -> set[str]:
    """The literal codes an action argument can take ("a" if x else "b" gives both; f-strings
    are the enum families added by hand)."""
    if isinstance(node, ast.IfExp):
        return _branches(node.body) | _branches(node.orelse)
    code = _literal(node)
    return {code} if code is not None else set()


def _written_codes():
    """(actions, object types, detail keys) written as literals anywhere in the source, with the
    families built from enums (import_<status>, decide_<decision>, status_<appeal status>)."""
    actions, objects, keys = set(), set(), set()
    for folder in SOURCES:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or _name(node) not in OBJECT_CALLS:
                    continue
                if _name(node) in ACTION_CALLS and len(node.args) > 1:
                    actions |= _branches(node.args[1])
                for kw in node.keywords:
                    if kw.arg == "action" and _literal(kw.value):
                        actions.add(kw.value.value)
                    if kw.arg == "object_type" and _literal(kw.value):
                        objects.add(kw.value.value)
                    if kw.arg == "detail" and isinstance(kw.value, ast.Dict):
                        keys |= {k for k in map(_literal, kw.value.keys) if k}
    actions |= {"approve", "reject", "verify", "return", audit.VERIFIED}
    actions |= {f"import_{s.value}" for s in ImportStatus if s != ImportStatus.COMMITTED}
    actions |= {f"decide_{d.value}" for d in ObjectionDecision}
    actions |= {f"status_{s.value}" for s in AppealStatus}
    return actions, objects - {""}, keys


def test_the_scan_finds_the_codes_it_should(app):
    actions, objects, _keys = _written_codes()
    assert {"signin_open", "signin_close", "queue_test", "issue_codes", "publish",
            "login_failure", "update_message_preferences"} <= actions
    assert {"surveys", "users", "audit_log"} <= objects


def test_every_action_written_has_a_chinese_label(app):
    actions, _objects, _keys = _written_codes()
    missing = sorted(a for a in actions if a not in labels.ACTION_LABELS)
    assert missing == []


def test_every_object_type_and_every_model_table_has_a_chinese_label(app):
    _actions, objects, _keys = _written_codes()
    tables = set(labels.model_tables())
    assert {"surveys", "activity_signins", "message_robots"} <= tables
    assert sorted((objects | tables) - set(labels.OBJECT_LABELS)) == []


def test_every_snapshot_column_and_detail_key_has_a_chinese_label(app):
    _actions, _objects, keys = _written_codes()
    columns = {key for table in labels.model_tables().values() for key in table}
    assert sorted((columns | keys) - set(labels.KEY_LABELS)) == []


def test_labels_are_chinese(app):
    for table in (labels.ACTION_LABELS, labels.OBJECT_LABELS, labels.KEY_LABELS):
        for code, text in table.items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in text), (code, text)


class _Entry:
    def __init__(self, object_type, before=None, after=None, detail=None):
        self.object_type, self.before, self.after = object_type, before, after
        self.detail, self.reason = detail, ""


def test_a_status_reads_by_its_own_model(app):
    survey = labels.readable_detail(_Entry("surveys", {"status": "draft"}, {"status": "published"}))
    assert survey == ["状态：草稿 → 已发布"]
    assessment = labels.readable_detail(_Entry("assessments", {"status": "draft"},
                                               {"status": "published"}))
    assert assessment[0].endswith("已公示")


def test_instants_in_details_read_in_beijing_time(app):
    at = datetime(2026, 3, 1, 16, 30, tzinfo=UTC).isoformat()
    lines = labels.readable_detail(_Entry("activity_signins", after={
        "opened_at": at, "opens_on": "2026-03-02", "intro": "2026-03-01T16:30 讲座"}))
    assert "开启时间：2026-03-02 00:30:00" in lines
    assert "开始日期：2026-03-02" in lines            # a date stays a date
    assert "简介：2026-03-01T16:30 讲座" in lines       # text is never rewritten
    naive = labels.readable_detail(_Entry("users", detail={"locked_until": "2026-03-01T16:30:00"}))
    assert naive == ["锁定至：2026-03-02 00:30:00"]


@pytest.fixture()
def auditor_client(app, world):
    auditor = factories.user(Role.AUDIT_ADMIN, username="auditor")
    _db.session.commit()
    client = app.test_client()
    assert login_form(client, auditor).status_code == 302
    return client


def test_the_actor_filter_takes_an_id_or_a_username(app, world, auditor_client):
    audit.record(world.admin, "signin_open", object_type="activity_signins", object_id=3)
    audit.record(world.rep_a, "queue_test", object_type="message_robots", object_id=4)
    _db.session.commit()
    assert audit.parse_filters({"actor_id": world.admin.username})["actor_id"] == world.admin.id
    assert audit.parse_filters({"actor_id": str(world.admin.id)})["actor_id"] == world.admin.id
    with pytest.raises(ValidationFailed) as error:
        audit.parse_filters({"actor_id": "nobody-here"})
    assert "nobody-here" in error.value.fields["actor_id"][0]
    html = auditor_client.get(f"/audit/?actor_id={world.admin.username}").get_data(as_text=True)
    body = html.split("<tbody>")[1]
    assert "开启签到" in body and "活动签到" in body and "发送测试消息" not in body
    # The filters list the newer actions and object types.
    assert "开启签到（signin_open）" in html and "问卷（surveys）" in html
    assert "消息机器人（message_robots）" in html
