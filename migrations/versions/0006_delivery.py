"""Messages where people already are: group robots, the delivery queue, e-mail choices.

message_robots holds the 企业微信 / 钉钉 group robots of a Home or the office; deliveries the queued
e-mail and robot messages (attempts, next attempt, last error, delivered at) that the
deliver_messages job sends; message_preferences each user's e-mail choice per topic. The e-mail
columns of notifications (emailed_at, email_attempts, email_error) give way to the queue.

Revision ID: 0006_delivery
Revises: 0006_login_notice
Create Date: 2026-12-07 18:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_delivery'
down_revision = '0006_login_notice'
branch_labels = None
depends_on = None

CHANNELS = ('email', 'wecom', 'dingtalk')


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table(
        'message_robots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner', sa.String(length=20), nullable=False),
        sa.Column('home_id', sa.Integer(), nullable=True),
        sa.Column('provider', _enum('provider', *CHANNELS), nullable=False),
        sa.Column('webhook_url', sa.String(length=1000), nullable=False),
        sa.Column('secret', sa.String(length=200), nullable=False),
        sa.Column('message_format', _enum('message_format', 'markdown', 'text'), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['home_id'], ['homes.id'],
                                name=op.f('fk_message_robots_home_id_homes'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_message_robots_updated_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_robots')),
        sa.UniqueConstraint('owner', 'provider', name=op.f('uq_message_robots_owner_provider')),
    )
    op.create_index(op.f('ix_message_robots_home_id'), 'message_robots', ['home_id'])

    op.create_table(
        'deliveries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('channel', _enum('channel', *CHANNELS), nullable=False),
        sa.Column('target', sa.String(length=40), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('robot_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=50), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('dedupe_key', sa.String(length=200), nullable=True),
        sa.Column('status', _enum('status', 'queued', 'delivered', 'failed', 'skipped'),
                  nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_deliveries_user_id_users'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['robot_id'], ['message_robots.id'],
                                name=op.f('fk_deliveries_robot_id_message_robots'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
        sa.UniqueConstraint('target', 'dedupe_key', name=op.f('uq_deliveries_target_dedupe_key')),
    )
    op.create_index(op.f('ix_deliveries_user_id'), 'deliveries', ['user_id'])
    op.create_index(op.f('ix_deliveries_robot_id'), 'deliveries', ['robot_id'])
    op.create_index('ix_deliveries_status_next_attempt_at', 'deliveries',
                    ['status', 'next_attempt_at'])
    op.create_index('ix_deliveries_target_last_attempt_at', 'deliveries',
                    ['target', 'last_attempt_at'])

    op.create_table(
        'message_preferences',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topic', sa.String(length=40), nullable=False),
        sa.Column('email', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_message_preferences_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'topic', name=op.f('pk_message_preferences')),
    )

    with op.batch_alter_table('notifications') as batch_op:
        batch_op.drop_column('emailed_at')
        batch_op.drop_column('email_attempts')
        batch_op.drop_column('email_error')


def downgrade():
    with op.batch_alter_table('notifications') as batch_op:
        batch_op.add_column(sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('email_attempts', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('email_error', sa.Text(), nullable=False,
                                      server_default=''))
    op.drop_table('message_preferences')
    op.drop_index('ix_deliveries_target_last_attempt_at', table_name='deliveries')
    op.drop_index('ix_deliveries_status_next_attempt_at', table_name='deliveries')
    op.drop_index(op.f('ix_deliveries_robot_id'), table_name='deliveries')
    op.drop_index(op.f('ix_deliveries_user_id'), table_name='deliveries')
    op.drop_table('deliveries')
    op.drop_index(op.f('ix_message_robots_home_id'), table_name='message_robots')
    op.drop_table('message_robots')
