"""经费奖补 (SPEC §5.12): a year's award per grade, and payments to Homes with their reversals (红冲).

Revision ID: 0009_subsidies
Revises: 0008_city
Create Date: 2026-12-07 19:27:55.677281

"""
# ruff: noqa: E501  (Alembic's generated column lists, kept as generated)
import sqlalchemy as sa
from alembic import op

revision = '0009_subsidies'
down_revision = '0008_city'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('subsidy_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('home_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.Enum('excellent', 'good', 'pass', 'fail', name='grade', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('voucher', sa.String(length=50), nullable=False),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=True),
    sa.Column('reversed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reversed_by_id', sa.Integer(), nullable=True),
    sa.Column('reverse_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_subsidy_payments_amount_non_negative')),
    sa.CheckConstraint('current IS NULL OR current', name=op.f('ck_subsidy_payments_current_true_or_null')),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_subsidy_payments_assessment_id_assessments')),
    sa.ForeignKeyConstraint(['home_id'], ['homes.id'], name=op.f('fk_subsidy_payments_home_id_homes')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['users.id'], name=op.f('fk_subsidy_payments_paid_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['users.id'], name=op.f('fk_subsidy_payments_reversed_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_payments')),
    sa.UniqueConstraint('year', 'home_id', 'current', name='uq_subsidy_payments_standing')
    )
    with op.batch_alter_table('subsidy_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_payments_home_id'), ['home_id'], unique=False)
        batch_op.create_index('ix_subsidy_payments_year', ['year'], unique=False)

    op.create_table('subsidy_rates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('excellent', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('good', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('pass', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('excellent >= 0 AND good >= 0 AND pass >= 0', name=op.f('ck_subsidy_rates_non_negative')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_subsidy_rates_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_rates')),
    sa.UniqueConstraint('year', name=op.f('uq_subsidy_rates_year'))
    )


def downgrade():
    op.drop_table('subsidy_rates')
    with op.batch_alter_table('subsidy_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_subsidy_payments_year')
        batch_op.drop_index(batch_op.f('ix_subsidy_payments_home_id'))

    op.drop_table('subsidy_payments')
