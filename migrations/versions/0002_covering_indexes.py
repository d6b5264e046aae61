"""Covering indexes for the five-contact rule and the dashboards' activity aggregates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 21:10:00
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact_records', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_records_representative_id_date')
        batch_op.create_index('ix_contact_records_representative_id_date',
                              ['representative_id', 'date', 'worker_id'], unique=False)
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_status_date')
        batch_op.create_index('ix_activities_status_date',
                              ['status', 'date', 'home_id', 'theme', 'organizer_id',
                               'participants', 'published'], unique=False)


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_status_date')
        batch_op.create_index('ix_activities_status_date', ['status', 'date'], unique=False)
    with op.batch_alter_table('contact_records', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_records_representative_id_date')
        batch_op.create_index('ix_contact_records_representative_id_date',
                              ['representative_id', 'date'], unique=False)
