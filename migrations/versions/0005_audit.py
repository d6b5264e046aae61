"""The audit trail of SPEC §5.13 and the separated administrators (三员分立).

audit_log gains the client address, the result, a detail, and the hash chain (seq, hash); its
actor no longer becomes NULL when a user is deleted (that would rewrite entries). Existing entries
are sealed into the chain in id order. On PostgreSQL a trigger refuses UPDATE (but sealing),
DELETE and TRUNCATE of the table. users.role admits system_admin, security_admin and audit_admin.

Revision ID: 0005_audit
Revises: 0005_identification
Create Date: 2026-12-07 15:40:00
"""
import hashlib
import json
from datetime import UTC

import sqlalchemy as sa
from alembic import op

revision = '0005_audit'
down_revision = '0005_identification'
branch_labels = None
depends_on = None

OLD_ROLES = ('representative', 'home_manager', 'provincial_admin')
NEW_ROLES = OLD_ROLES + ('system_admin', 'security_admin', 'audit_admin')
HASHED = ("id", "seq", "created_at", "actor_id", "address", "action", "object_type", "object_id",
          "result", "detail", "before", "after", "reason")

GUARD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.seq IS NULL AND OLD.hash IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL
           AND NEW.id = OLD.id
           AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
           AND NEW.action = OLD.action AND NEW.object_type = OLD.object_type
           AND NEW.object_id IS NOT DISTINCT FROM OLD.object_id
           AND NEW.before::text IS NOT DISTINCT FROM OLD.before::text
           AND NEW.after::text IS NOT DISTINCT FROM OLD.after::text
           AND NEW.detail::text IS NOT DISTINCT FROM OLD.detail::text
           AND NEW.reason = OLD.reason AND NEW.created_at = OLD.created_at
           AND NEW.address IS NOT DISTINCT FROM OLD.address AND NEW.result = OLD.result THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'audit_log is append-only: ' || TG_OP || ' refused',
                          ERRCODE = 'insufficient_privilege';
END
$$ LANGUAGE plpgsql
"""


def _role_check(roles):
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def _set_roles(roles):
    """users.role's CHECK admits `roles`. SQLite rebuilds the table, which would drop the
    expression index uq_users_username_lower (batch mode cannot reflect it): it is made again."""
    sqlite = op.get_bind().dialect.name == 'sqlite'
    if sqlite:
        op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_users_role'), _role_check(roles))
    if sqlite:
        op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')],
                        unique=True)


def _json(value):
    if hasattr(value, "isoformat"):
        if getattr(value, "tzinfo", None) is None and hasattr(value, "hour"):
            value = value.replace(tzinfo=UTC)
        if getattr(value, "tzinfo", None) is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    return str(value)


def _seal_existing(conn):
    """Seal the entries written before this revision, in id order (services/audit/chain.py as of
    this revision: SHA-256 over the previous hash and the sorted-key JSON of the HASHED columns)."""
    log = sa.table('audit_log', *[sa.column(k) for k in HASHED if k not in ('before', 'after',
                                                                            'detail', 'created_at')],
                   sa.column('before', sa.JSON), sa.column('after', sa.JSON),
                   sa.column('detail', sa.JSON), sa.column('created_at', sa.DateTime(timezone=True)),
                   sa.column('hash'))
    previous, seq, last_id = "0" * 64, 0, 0
    while True:
        rows = conn.execute(sa.select(*[log.c[k] for k in HASHED if k != 'seq'])
                            .where(log.c.id > last_id).order_by(log.c.id).limit(1000)).mappings().all()
        if not rows:
            return
        for row in rows:
            seq += 1
            entry = {**row, "seq": seq}
            text = json.dumps({k: entry[k] for k in HASHED}, sort_keys=True, ensure_ascii=False,
                              separators=(",", ":"), default=_json)
            previous = hashlib.sha256((previous + text).encode()).hexdigest()
            conn.execute(log.update().where(log.c.id == row["id"]).values(seq=seq, hash=previous))
            last_id = row["id"]


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=45), nullable=True))
        batch_op.add_column(sa.Column('result', sa.String(length=10), server_default='success',
                                      nullable=False))
        batch_op.add_column(sa.Column('detail', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_log_seq'), ['seq'])
        batch_op.create_check_constraint(batch_op.f('ck_audit_log_result'),
                                         "result IN ('success', 'failure')")
        batch_op.create_index(batch_op.f('ix_audit_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_audit_log_action', ['action', 'id'], unique=False)
        batch_op.drop_constraint(batch_op.f('fk_audit_log_actor_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_audit_log_actor_id_users'), 'users',
                                    ['actor_id'], ['id'])

    _set_roles(NEW_ROLES)

    conn = op.get_bind()
    _seal_existing(conn)
    if conn.dialect.name == 'postgresql':
        op.execute(GUARD_FUNCTION)
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")

    _set_roles(OLD_ROLES)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_log_actor_id_users'), type_='foreignkey')
        batch_op.create_foreign_key(batch_op.f('fk_audit_log_actor_id_users'), 'users',
                                    ['actor_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_index('ix_audit_log_action')
        batch_op.drop_index(batch_op.f('ix_audit_log_created_at'))
        batch_op.drop_constraint(batch_op.f('ck_audit_log_result'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_audit_log_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('seq')
        batch_op.drop_column('detail')
        batch_op.drop_column('result')
        batch_op.drop_column('address')
