"""On-site sign-in (SPEC §5.9): an activity's sign-in code and its attendees.

Revision ID: 0006_signin
Revises: 0006_pinyin
Create Date: 2026-12-07 18:13:22
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_signin'
down_revision = '0006_pinyin'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activity_signins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_attendee_no', sa.Integer(), server_default='0', nullable=False),
    sa.Column('summary_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_signins_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_activity_signins_opened_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_signins')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_activity_signins_activity_id')),
    sa.UniqueConstraint('code', name=op.f('uq_activity_signins_code'))
    )
    op.create_table('attendees',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('attendee_no', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('mobile', sa.String(length=20), nullable=True),
    sa.Column('work_unit', sa.String(length=100), server_default='', nullable=False),
    sa.Column('field', sa.String(length=100), server_default='', nullable=False),
    sa.Column('is_worker', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('proxy', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=True),
    sa.Column('worker_note', sa.String(length=20), server_default='', nullable=False),
    sa.Column('cleared_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("worker_note IN ('', 'linked', 'created', 'name_mismatch')", name=op.f('ck_attendees_worker_note_known')),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_attendees_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_attendees_worker_id_workers'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendees')),
    sa.UniqueConstraint('activity_id', 'attendee_no', name='uq_attendees_activity_id_attendee_no'),
    sa.UniqueConstraint('activity_id', 'mobile', name='uq_attendees_activity_id_mobile')
    )
    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendees_worker_id'), ['worker_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attendees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendees_worker_id'))

    op.drop_table('attendees')
    op.drop_table('activity_signins')
