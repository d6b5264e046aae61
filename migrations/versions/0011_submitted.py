"""summary_home_submitted: a Home's activities now submitted (待审核), which the verification
queues and the 待办 panels read instead of counting the activities.

Filled from the activities at upgrade.

Revision ID: 0011_submitted
Revises: 0010_reps_index
Create Date: 2026-12-07 21:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_submitted'
down_revision = '0010_reps_index'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'summary_home_submitted',
        sa.Column('home_id', sa.Integer(), nullable=False),
        sa.Column('activities', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['home_id'], ['homes.id'],
                                name=op.f('fk_summary_home_submitted_home_id_homes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('home_id', name=op.f('pk_summary_home_submitted')),
    )
    summary = sa.table('summary_home_submitted', sa.column('home_id'), sa.column('activities'))
    activities = sa.table('activities', sa.column('id'), sa.column('home_id'),
                          sa.column('status'))
    op.execute(summary.insert().from_select(
        ['home_id', 'activities'],
        sa.select(activities.c.home_id, sa.func.count(activities.c.id))
        .where(activities.c.status == 'submitted')
        .group_by(activities.c.home_id)))


def downgrade():
    op.drop_table('summary_home_submitted')
