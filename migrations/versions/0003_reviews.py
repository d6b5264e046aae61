"""参与人数 may be left blank (NULL: not given, counted as 0 in sums).

Revision ID: 0003_reviews
Revises: 0003_imports
Create Date: 2026-11-30 05:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_reviews'
down_revision = '0003_imports'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.alter_column('participants', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("UPDATE activities SET participants = 0 WHERE participants IS NULL")
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.alter_column('participants', existing_type=sa.Integer(), nullable=False)
