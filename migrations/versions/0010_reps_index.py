"""A Home's representatives from one index: users (home_id, role, active, id) replaces users
(home_id), so the representatives table, its export and the Home's compliance read only the Home's
index entries (and the ids from the index alone) instead of combining the home_id index with a
bitmap of every representative's role — or scanning every user — when the plan does not know the
role.

Revision ID: 0010_reps_index
Revises: 0009_subsidies
"""
from alembic import op

revision = '0010_reps_index'
down_revision = '0009_subsidies'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_users_home_id_role_active', 'users',
                    ['home_id', 'role', 'active', 'id'], unique=False)
    op.drop_index('ix_users_home_id', table_name='users')


def downgrade():
    op.create_index('ix_users_home_id', 'users', ['home_id'], unique=False)
    op.drop_index('ix_users_home_id_role_active', table_name='users')
