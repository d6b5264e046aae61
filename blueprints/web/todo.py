"""The 待办 panel first on each role's landing page: for each role, its entries in order.

An entry is a label, a count from services.todo and the page that lists what it counts (an
endpoint and its query arguments; `from_values` fills arguments from other services.todo values
read in the same statement). Adding an entry for a role is one line in PANEL; entries whose
endpoint does not exist are left out. The whole panel is one SQL statement (services.todo.count_all).
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app, url_for
from flask_login import current_user

from models.enums import Role
from services import clock, todo


@dataclass(frozen=True)
class Entry:
    key: str  # names the entry in the page (data-testid="todo-<key>")
    label: str
    count: object  # a services.todo count: user → SQL expression
    endpoint: str
    args: dict = field(default_factory=dict)
    from_values: dict = field(default_factory=dict)  # query argument → services.todo value
    # A line under the label, from other services.todo values read in the same statement.
    note_values: tuple = ()
    note: Callable[..., str] | None = None


def _chain_note(at, result) -> str:
    """The auditor's line: when `flask audit verify` last ran and what it found."""
    if at is None:
        return "尚未校验：请系统运维人员运行 flask audit verify"
    verdict = "链完整" if result == "success" else "发现不符"
    return f"上次 {clock.local(at):%Y-%m-%d %H:%M}：{verdict}"


PANEL: dict[Role, list[Entry]] = {
    Role.REPRESENTATIVE: [
        Entry("returned", "退回待修改的活动", todo.returned_activities, "activities.mine",
              {"status": "returned"}),
        Entry("unread", "未读通知", todo.unread_notifications, "notifications.index"),
    ],
    Role.HOME_MANAGER: [
        Entry("queue", "待审核活动", todo.activities_to_verify, "activities.queue"),
        Entry("appeals", "待办诉求", todo.appeals_waiting, "manage.appeals", {"state": "open"}),
        Entry("below", "联系未达标代表", todo.representatives_below, "manage.representatives",
              {"compliant": "no", "status": "active"}),
        Entry("unread", "未读通知", todo.unread_notifications, "notifications.index"),
    ],
    Role.PROVINCIAL_ADMIN: [
        Entry("applications", "待审核申报", todo.applications_to_review, "provincial.review",
              {"status": "submitted"}),
        Entry("objections", "待处理异议", todo.objections_undecided, "provincial.objections"),
        Entry("overdue", "超期诉求", todo.appeals_overdue, "provincial.appeals",
              {"state": "overdue"}),
        Entry("assessments", "待定稿考核", todo.assessments_to_finalise, "provincial.assessments",
              from_values={"year": todo.oldest_draft_year}),
        Entry("unread", "未读通知", todo.unread_notifications, "notifications.index"),
    ],
    Role.SYSTEM_ADMIN: [
        Entry("failed_jobs", "失败的任务运行", todo.failed_job_runs, "jobs_admin.runs",
              {"status": "failed"}),
    ],
    Role.SECURITY_ADMIN: [
        Entry("locked", "已锁定账号", todo.locked_accounts, "security.users", {"locked": "1"}),
    ],
    Role.AUDIT_ADMIN: [
        Entry("chain", "审计链校验", todo.chain_checks_failed, "audit.index",
              {"action": "audit_verified"},
              note_values=(todo.last_chain_check_at, todo.last_chain_check_result),
              note=_chain_note),
    ],
}


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    count: int
    href: str
    note: str = ""


def todo_items(user=None) -> list[Item]:
    """The panel of `user` (default: the signed-in user): each entry of their role with its count
    and link; empty for visitors, roles without entries and managers without a Home."""
    user = user if user is not None else current_user
    if not getattr(user, "is_authenticated", False):
        return []
    if user.role == Role.HOME_MANAGER and user.scope_home_id is None:
        return []
    entries = [e for e in PANEL.get(user.role, []) if e.endpoint in current_app.view_functions]
    extra = [(e, arg, value) for e in entries for arg, value in e.from_values.items()]
    notes = [(e, value) for e in entries for value in e.note_values]
    values = todo.count_all(user, [e.count for e in entries] + [v for _e, _a, v in extra]
                            + [v for _e, v in notes])
    counts = values[:len(entries)]
    rest = values[len(entries):len(entries) + len(extra)]
    noted = values[len(entries) + len(extra):]
    args = {e.key: dict(e.args) for e in entries}
    for (entry, arg, _value), got in zip(extra, rest, strict=True):
        if got is not None:
            args[entry.key][arg] = got
    note_args: dict[str, list] = {e.key: [] for e in entries}
    for (entry, _value), got in zip(notes, noted, strict=True):
        note_args[entry.key].append(got)
    return [Item(e.key, e.label, int(n or 0), url_for(e.endpoint, **args[e.key]),
                 e.note(*note_args[e.key]) if e.note else "")
            for e, n in zip(entries, counts, strict=True)]
