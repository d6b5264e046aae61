"""summary_activities.published: verified and published activities per Home, month and theme, so the
assessment reads its quarters of published activities (SPEC §5.4, item B2) from the summary rows.

Filled from the activities at upgrade.

Revision ID: 0006_published_quarters
Revises: 0005_audit
Create Date: 2026-12-07 18:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_published_quarters'
down_revision = '0005_audit'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('summary_activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published', sa.Integer(), server_default='0', nullable=False))
    summary = sa.table('summary_activities', sa.column('home_id'), sa.column('year'),
                       sa.column('month'), sa.column('theme'), sa.column('published'))
    activities = sa.table('activities', sa.column('id'), sa.column('home_id'), sa.column('date'),
                          sa.column('theme'), sa.column('status'), sa.column('published'))
    a = activities
    counted = (sa.select(sa.func.count(a.c.id))
               .where(a.c.home_id == summary.c.home_id, a.c.theme == summary.c.theme,
                      a.c.status == 'verified', a.c.published.is_(True),
                      sa.cast(sa.extract('year', a.c.date), sa.Integer) == summary.c.year,
                      sa.cast(sa.extract('month', a.c.date), sa.Integer) == summary.c.month)
               .scalar_subquery())
    op.execute(summary.update().values(published=counted))


def downgrade():
    with op.batch_alter_table('summary_activities', schema=None) as batch_op:
        batch_op.drop_column('published')
