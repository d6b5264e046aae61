"""Identification (SPEC §5.13): password age and history, the per-account lockout, the second factor
(TOTP secret, last step, recovery codes), idle sessions, and the three separated administrator roles.

Existing accounts get password_changed_at = the time of this migration (their age starts now).

Revision ID: 0005_identification
Revises: 0005_objection_receipts
Create Date: 2026-12-02 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005_identification'
down_revision = '0005_objection_receipts'
branch_labels = None
depends_on = None

OLD_ROLES = ('representative', 'home_manager', 'provincial_admin')
NEW_ROLES = OLD_ROLES + ('system_admin', 'security_admin', 'audit_admin')


def _role_check(roles):
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def upgrade():
    # SQLite rebuilds the table in a batch and would lose this expression index: drop, then recreate.
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('failure_window_start', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('unseen_failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('last_failure_address', sa.String(length=64), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('otp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('otp_pending_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('otp_confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('otp_last_step', sa.BigInteger(), nullable=True))
        batch_op.drop_constraint('role', type_='check')
        batch_op.create_check_constraint('role', _role_check(NEW_ROLES))
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
    op.execute(sa.text("UPDATE users SET password_changed_at = CURRENT_TIMESTAMP"))

    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('remember', sa.Boolean(), server_default=sa.false(), nullable=False))

    op.create_table(
        'password_history',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('password_hash', sa.String(length=256), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_history_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_password_history')),
    )
    with op.batch_alter_table('password_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_history_user_id'), ['user_id'], unique=False)
    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))
    op.drop_table('recovery_codes')
    with op.batch_alter_table('password_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_history_user_id'))
    op.drop_table('password_history')
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_column('remember')
        batch_op.drop_column('last_seen_at')
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('role', type_='check')
        batch_op.create_check_constraint('role', _role_check(OLD_ROLES))
        for column in ('otp_last_step', 'otp_confirmed_at', 'otp_pending_secret', 'otp_secret', 'last_failure_address',
                       'unseen_failures', 'locked_until', 'failure_window_start', 'failed_logins',
                       'password_changed_at'):
            batch_op.drop_column(column)
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
