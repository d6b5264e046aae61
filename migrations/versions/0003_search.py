"""Keyword search: pg_trgm GIN indexes on activities' title and summary (PostgreSQL only).

Revision ID: 0003_search
Revises: 0002
Create Date: 2026-11-30 05:40:00
"""
from alembic import op

revision = '0003_search'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index('ix_activities_title_trgm', 'activities', ['title'], unique=False,
                    postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'})
    op.create_index('ix_activities_summary_trgm', 'activities', ['summary'], unique=False,
                    postgresql_using='gin', postgresql_ops={'summary': 'gin_trgm_ops'})


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index('ix_activities_summary_trgm', table_name='activities')
    op.drop_index('ix_activities_title_trgm', table_name='activities')
