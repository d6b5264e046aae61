"""Imports keep a preview of the rows they create or update, shown before the office confirms.

Revision ID: 0004_import_preview
Revises: 0003_summaries
Create Date: 2026-11-30 08:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004_import_preview'
down_revision = '0003_summaries'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('imports') as batch_op:
        batch_op.add_column(sa.Column('preview', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('imports') as batch_op:
        batch_op.drop_column('preview')
