"""users.last_failure_at: when the last failed login of the account happened, told to the owner at
the next successful login together with the count and the address (SPEC §5.13).

Revision ID: 0006_login_notice
Revises: 0006_published_quarters
Create Date: 2026-12-07 18:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_login_notice'
down_revision = '0006_published_quarters'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (no batch rebuild on SQLite, which would drop the username expression index).
    op.add_column('users', sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # SQLite rebuilds the table in a batch and would lose this expression index: drop, then recreate.
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('last_failure_at')
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
