"""What a violated database constraint means to the user: the last word on uniqueness (SPEC §8, §10).

Services check uniqueness first and answer a clear Conflict; when two requests race past those
checks, the database's unique constraint refuses the second write. `conflict_for` turns that
IntegrityError into the same Conflict (409 naming the field), so a duplicate is never a 500.
"""
import re
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from extensions import db
from services.errors import Conflict

#: constraint or unique index name → (field, Chinese message)
UNIQUE_MEANINGS = {
    "uq_users_username_lower": ("username", "用户名已存在（用户名不区分大小写）"),
    "uq_users_username": ("username", "用户名已存在"),
    "uq_units_name": ("name", "单位名称已存在"),
    "uq_application_rounds_year": ("year", "该年度的申报批次已存在"),
    "uq_applications_live_unit_round": (
        "round_id", "本单位在该批次已有申报书（未被驳回的申报书只能有一份），请修改原申报书"),
    "uq_homes_unit_id": ("unit_id", "该单位已有代表之家"),
    "uq_assessments_home_id_year": ("year", "该代表之家该年度的考核已存在"),
    "uq_assessment_items_assessment_id_code": ("code", "该考核项目已存在"),
    "uq_home_plans_home_id_year": ("year", "该年度的工作计划已被同时保存，请刷新后重试"),
    "uq_workers_mobile": ("mobile", "该手机号已登记为其他科技工作者"),
    "pk_worker_links": ("mobile", "您已关联该科技工作者"),
    "pk_activity_workers": ("worker_ids", "联系的科技工作者已被同时修改，请刷新后重试"),
    "pk_activity_co_organizers": ("co_organizer_ids", "联合组织代表已被同时修改，请刷新后重试"),
}
GENERIC_DUPLICATE = "该记录已存在（可能已被同时提交），请刷新后查看"
FOREIGN_KEY_MESSAGE = "相关记录已被修改或删除，请刷新后重试"

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$", re.MULTILINE)
_SQLITE_INDEX = re.compile(r"^index '([^']+)'$")


@lru_cache(maxsize=1)
def _names_by_columns() -> dict[str, str]:
    """SQLite names the columns, not the constraint: "table.col, table.col" → constraint name."""
    out = {}
    for table in db.metadata.tables.values():
        groups = [(c.name, [col.name for col in c.columns]) for c in table.constraints
                  if isinstance(c, (sa.UniqueConstraint, sa.PrimaryKeyConstraint))]
        groups += [(ix.name, [col.name for col in ix.columns]) for ix in table.indexes
                   if ix.unique and ix.columns]
        for name, columns in groups:
            if name and columns:
                out[", ".join(f"{table.name}.{col}" for col in columns)] = str(name)
    return out


def _kind_and_name(error: IntegrityError) -> tuple[str, str | None]:
    """('unique' | 'foreign_key' | 'other', the constraint's name when known)."""
    orig = error.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate:  # PostgreSQL (psycopg)
        diag = getattr(orig, "diag", None)
        name = getattr(diag, "constraint_name", None)
        kind = {"23505": "unique", "23503": "foreign_key"}.get(sqlstate, "other")
        return kind, name
    message = str(orig)
    found = _SQLITE_UNIQUE.search(message)
    if found:
        what = found.group(1).strip()
        index = _SQLITE_INDEX.match(what)
        return "unique", index.group(1) if index else _names_by_columns().get(what)
    if "FOREIGN KEY constraint failed" in message:
        return "foreign_key", None
    return "other", None


def conflict_for(error: IntegrityError) -> Conflict | None:
    """The Conflict (409) a unique or foreign-key violation means; None for other violations
    (NOT NULL, CHECK), which are programming errors and stay 500."""
    kind, name = _kind_and_name(error)
    if kind == "unique":
        field, message = UNIQUE_MEANINGS.get(name, (None, GENERIC_DUPLICATE))
        return Conflict(message, {field: [message]} if field else None)
    if kind == "foreign_key":
        return Conflict(FOREIGN_KEY_MESSAGE)
    return None


def is_unique_violation(error: IntegrityError, name: str) -> bool:
    """Whether `error` is a violation of the unique constraint or index called `name`."""
    return _kind_and_name(error) == ("unique", name)
