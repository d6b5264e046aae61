"""A Home's representatives table reads only that Home's rows: users (home_id, role, active, id)
replaces users (home_id), so the Home's representatives and their ids come from the index alone
(no bitmap of every representative's role, no heap); activities (organizer_id, status, date, theme,
id) replaces activities (organizer_id), so each representative's verified activities come from the
index alone — cheap enough that PostgreSQL drives the query from the Home's users instead of a
parallel sequential scan of every user.

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
    op.create_index('ix_activities_organizer_id_status', 'activities',
                    ['organizer_id', 'status', 'date', 'theme', 'id'], unique=False)
    op.drop_index('ix_activities_organizer_id', table_name='activities')


def downgrade():
    op.create_index('ix_activities_organizer_id', 'activities', ['organizer_id'], unique=False)
    op.drop_index('ix_activities_organizer_id_status', table_name='activities')
    op.create_index('ix_users_home_id', 'users', ['home_id'], unique=False)
    op.drop_index('ix_users_home_id_role_active', table_name='users')
