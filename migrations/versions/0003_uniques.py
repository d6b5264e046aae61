"""The database holds uniqueness: one worker per normalised mobile, usernames unique ignoring case.

Before the unique indexes can exist, the data stored so far is brought in line:
- workers' and users' mobiles are normalised to the 11 digits (`+86 138 0013 8001` → 13800138001);
- workers sharing a mobile are merged into the earliest one: every row that points at a duplicate
  (links, contact records, activity links, appeals, and whatever else references workers) moves to
  the survivor, pairs that would then repeat are dropped, blank fields of the survivor are filled
  from the duplicates, and each merge is written to the audit log;
- homes get `renewed_for_year` (one renewal per published result, so two at once add two years once);
- usernames differing only in case: the earliest account keeps its name, the others are renamed
  `<name>-<id>` (audited), since two accounts cannot both answer to one login.

Downgrade drops the two indexes; merged workers and renamed accounts stay as they are.

Revision ID: 0003_uniques
Revises: 0003_reviews
Create Date: 2026-11-30 05:30:00
"""
import re
import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0003_uniques'
down_revision = '0003_reviews'
branch_labels = None
depends_on = None

MERGE_REASON = "迁移0003：同一手机号只保留一位科技工作者，其联系关系、联系记录、活动关联和诉求并入最早登记者"
RENAME_REASON = "迁移0003：用户名不区分大小写后与更早的账号重名，已改名"

# A copy of services.validation.normalize_mobile as it was when this migration was written
# (a migration must not change meaning when the application's code does).
_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.()]")
_COUNTRY_CODE = re.compile(r"^(?:\+86|0086|86(?=1[3-9][0-9]{9}$))")


def _normalize_mobile(value):
    if not isinstance(value, str):
        return None
    compact = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    compact = _COUNTRY_CODE.sub("", compact, count=1)
    return compact if _MOBILE_RE.fullmatch(compact) else None


audit_log = sa.table(
    "audit_log",
    sa.column("actor_id", sa.Integer), sa.column("action", sa.String),
    sa.column("object_type", sa.String), sa.column("object_id", sa.Integer),
    sa.column("before", sa.JSON), sa.column("after", sa.JSON), sa.column("reason", sa.Text),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _audit(bind, action, object_type, object_id, before, after, reason):
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC, like models.base.UTCDateTime
    bind.execute(audit_log.insert().values(
        actor_id=None, action=action, object_type=object_type, object_id=object_id,
        before=before, after=after, reason=reason, created_at=now))


def _normalise_mobiles(bind, table):
    rows = bind.execute(sa.text(f"SELECT id, mobile FROM {table} WHERE mobile != ''")).all()
    for row_id, mobile in rows:
        normalised = _normalize_mobile(mobile)
        if normalised is not None and normalised != mobile:
            bind.execute(sa.text(f"UPDATE {table} SET mobile = :m WHERE id = :id"),
                         {"m": normalised, "id": row_id})


def _references_to_workers(bind):
    """(table, worker column, [other key columns]…) for every table pointing at workers.id; the
    key columns are those of each primary or unique key that includes the worker column."""
    inspector = sa.inspect(bind)
    out = []
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] != "workers" or len(fk["constrained_columns"]) != 1:
                continue
            column = fk["constrained_columns"][0]
            keys = [inspector.get_pk_constraint(table).get("constrained_columns") or []]
            keys += [u["column_names"] for u in inspector.get_unique_constraints(table)]
            keys += [ix["column_names"] for ix in inspector.get_indexes(table) if ix.get("unique")]
            others = [[c for c in key if c != column] for key in keys
                      if column in key and len(key) > 1 and None not in key]
            out.append((table, column, others))
    return out


def _merge_duplicate_workers(bind):
    references = _references_to_workers(bind)
    mobiles = bind.execute(sa.text(
        "SELECT mobile FROM workers WHERE mobile != '' GROUP BY mobile HAVING COUNT(*) > 1"
        " ORDER BY mobile")).scalars().all()
    for mobile in mobiles:
        group = bind.execute(sa.text(
            "SELECT id, name, work_unit, field, mobile, email FROM workers WHERE mobile = :m"
            " ORDER BY id"), {"m": mobile}).mappings().all()
        survivor, duplicates = dict(group[0]), [dict(row) for row in group[1:]]
        keep, ids = survivor["id"], [row["id"] for row in duplicates]
        for dup in ids:  # one at a time, so two duplicates sharing a pair cannot collide
            for table, column, pair_keys in references:
                for other_columns in pair_keys:  # drop pairs the survivor already has
                    match = " AND ".join(f"s.{c} = {table}.{c}" for c in other_columns)
                    bind.execute(sa.text(
                        f"DELETE FROM {table} WHERE {column} = :dup AND EXISTS ("
                        f"SELECT 1 FROM {table} s WHERE s.{column} = :keep AND {match})"),
                        {"dup": dup, "keep": keep})
                bind.execute(sa.text(f"UPDATE {table} SET {column} = :keep WHERE {column} = :dup"),
                             {"dup": dup, "keep": keep})
        filled = {}
        for key in ("name", "work_unit", "field", "email"):
            if not (survivor[key] or "").strip():
                value = next((row[key] for row in duplicates if (row[key] or "").strip()), None)
                if value:
                    filled[key] = value
        if filled:
            sets = ", ".join(f"{key} = :{key}" for key in filled)
            bind.execute(sa.text(f"UPDATE workers SET {sets} WHERE id = :keep"),
                         {**filled, "keep": keep})
        bind.execute(sa.text("DELETE FROM workers WHERE id IN :dups")
                     .bindparams(sa.bindparam("dups", expanding=True)), {"dups": ids})
        _audit(bind, "merge_duplicates", "workers", keep,
               before={"workers": [survivor, *duplicates]},
               after={"worker_id": keep, "merged_worker_ids": ids, "filled": filled},
               reason=MERGE_REASON)


def _rename_case_duplicate_usernames(bind):
    taken = {name.lower() for name in bind.execute(sa.text("SELECT username FROM users")).scalars()}
    groups = bind.execute(sa.text(
        "SELECT lower(username) FROM users GROUP BY lower(username) HAVING COUNT(*) > 1")
    ).scalars().all()
    for lowered in groups:
        rows = bind.execute(sa.text(
            "SELECT id, username FROM users WHERE lower(username) = :u ORDER BY id"),
            {"u": lowered}).all()
        for user_id, username in rows[1:]:
            suffix = f"-{user_id}"
            new = username[:64 - len(suffix)] + suffix
            while new.lower() in taken:
                suffix += "x"
                new = username[:64 - len(suffix)] + suffix
            taken.add(new.lower())
            bind.execute(sa.text("UPDATE users SET username = :new WHERE id = :id"),
                         {"new": new, "id": user_id})
            _audit(bind, "rename_duplicate_username", "users", user_id,
                   before={"username": username}, after={"username": new}, reason=RENAME_REASON)


def upgrade():
    bind = op.get_bind()
    _normalise_mobiles(bind, "workers")
    _normalise_mobiles(bind, "users")
    _merge_duplicate_workers(bind)
    _rename_case_duplicate_usernames(bind)
    op.add_column('homes', sa.Column('renewed_for_year', sa.Integer(), nullable=True))
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
    op.create_index('uq_workers_mobile', 'workers', ['mobile'], unique=True,
                    sqlite_where=sa.text("mobile != ''"), postgresql_where=sa.text("mobile != ''"))


def downgrade():
    op.drop_index('uq_workers_mobile', table_name='workers')
    op.drop_index('uq_users_username_lower', table_name='users')
    op.drop_column('homes', 'renewed_for_year')  # native DROP COLUMN (SQLite ≥ 3.35): no rebuild
