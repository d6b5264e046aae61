"""需求对接 (SPEC §5.11): needs with their assigned representatives; the need an activity serves.

Revision ID: 0007_needs
Revises: 0006_surveys
Create Date: 2026-12-07 19:11:29
"""
# ruff: noqa: E501  (Alembic's generated column lists, kept as generated)
import sqlalchemy as sa
from alembic import op

revision = '0007_needs'
down_revision = '0006_surveys'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('technology', 'science', name='need_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('organization', sa.String(length=100), nullable=False),
    sa.Column('contact_name', sa.String(length=50), nullable=False),
    sa.Column('contact_mobile', sa.String(length=11), nullable=False),
    sa.Column('city', sa.String(length=10), nullable=False),
    sa.Column('field', sa.String(length=100), server_default='', nullable=False),
    sa.Column('status', sa.Enum('received', 'dispatched', 'assigned', 'fulfilled', 'closed', 'declined', name='need_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('receipt', sa.String(length=32), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=True),
    sa.Column('hint_representative_id', sa.Integer(), nullable=True),
    sa.Column('decline_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('return_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('fulfilled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('rating', sa.SmallInteger(), nullable=True),
    sa.Column('rating_comment', sa.Text(), server_default='', nullable=False),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(title) BETWEEN 1 AND 100', name=op.f('ck_needs_title_length')),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_needs_rating_range')),
    sa.ForeignKeyConstraint(['hint_representative_id'], ['users.id'], name=op.f('fk_needs_hint_representative_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_needs_home_id_homes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs')),
    sa.UniqueConstraint('receipt', name=op.f('uq_needs_receipt'))
    )
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index('ix_needs_home_id_received_at_id', ['home_id', 'received_at', 'id'], unique=False)
        batch_op.create_index('ix_needs_received_at_id', ['received_at', 'id'], unique=False)
        batch_op.create_index('ix_needs_status_received_at', ['status', 'received_at'], unique=False)

    op.create_table('need_representatives',
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_need_representatives_need_id_needs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_need_representatives_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('need_id', 'user_id', name=op.f('pk_need_representatives'))
    )
    with op.batch_alter_table('need_representatives', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_representatives_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('need_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_activities_need_id'), ['need_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_activities_need_id_needs'), 'needs', ['need_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_activities_need_id_needs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_activities_need_id'))
        batch_op.drop_column('need_id')

    with op.batch_alter_table('need_representatives', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_representatives_user_id'))

    op.drop_table('need_representatives')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index('ix_needs_status_received_at')
        batch_op.drop_index('ix_needs_received_at_id')
        batch_op.drop_index('ix_needs_home_id_received_at_id')

    op.drop_table('needs')
