"""代表码 and 公示异议 (SPEC §5.5–§5.6): representatives' public codes, appeals from the code with
receipts, and objections to published assessments.

Revision ID: 0003_public
Revises: 0003_search
Create Date: 2026-11-30 05:01:44
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0003_public'
down_revision = '0003_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'objections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assessment_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('contact', sa.String(length=100), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decision', sa.Enum('uphold', 'dismiss', name='decision', native_enum=False,
                                      create_constraint=True, length=32), nullable=True),
        sa.Column('response', sa.Text(), nullable=False),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('decision IS NULL OR length(response) >= 1',
                           name=op.f('ck_objections_decision_has_response')),
        sa.CheckConstraint('length(text) BETWEEN 1 AND 2000',
                           name=op.f('ck_objections_text_length')),
        sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'],
                                name=op.f('fk_objections_assessment_id_assessments'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_objections_decided_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_objections')),
    )
    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_objections_assessment_id'), ['assessment_id'],
                              unique=False)

    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=32),
                                      server_default='representative', nullable=False))
        batch_op.add_column(sa.Column('receipt', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('submitter_name', sa.String(length=50), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('submitter_contact', sa.String(length=100),
                                      server_default='', nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_appeals_receipt'), ['receipt'])
        batch_op.create_check_constraint(batch_op.f('ck_appeals_source'),
                                         "source IN ('representative', 'qr')")
        batch_op.create_check_constraint(batch_op.f('ck_appeals_qr_has_receipt'),
                                         "source != 'qr' OR receipt IS NOT NULL")

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_code', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_public_code'), ['public_code'])

    # Every existing representative gets a random code (new ones get it on creation).
    conn = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('role', sa.String),
                     sa.column('public_code', sa.String))
    ids = conn.execute(sa.select(users.c.id).where(users.c.role == 'representative',
                                                   users.c.public_code.is_(None))).scalars().all()
    for user_id in ids:
        conn.execute(users.update().where(users.c.id == user_id)
                     .values(public_code=secrets.token_urlsafe(9)))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_public_code'), type_='unique')
        batch_op.drop_column('public_code')

    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_appeals_qr_has_receipt'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_appeals_source'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_appeals_receipt'), type_='unique')
        batch_op.drop_column('submitter_contact')
        batch_op.drop_column('submitter_name')
        batch_op.drop_column('receipt')
        batch_op.drop_column('source')

    with op.batch_alter_table('objections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_objections_assessment_id'))

    op.drop_table('objections')
