"""Objections get a receipt the filer reads the decision with (SPEC §5.6); existing ones get one too.

Revision ID: 0005_objection_receipts
Revises: 0004_perf
Create Date: 2026-12-07 16:10:00
"""
import secrets

import sqlalchemy as sa
from alembic import op

revision = '0005_objection_receipts'
down_revision = '0004_perf'
branch_labels = None
depends_on = None

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # services/receipts.py, frozen here


def upgrade():
    with op.batch_alter_table('objections') as batch_op:
        batch_op.add_column(sa.Column('receipt', sa.String(length=16), nullable=True))
    conn = op.get_bind()
    objections = sa.table('objections', sa.column('id', sa.Integer), sa.column('receipt', sa.String))
    for (objection_id,) in conn.execute(sa.select(objections.c.id)).all():
        conn.execute(objections.update().where(objections.c.id == objection_id).values(
            receipt="".join(secrets.choice(ALPHABET) for _ in range(12))))
    with op.batch_alter_table('objections') as batch_op:
        batch_op.alter_column('receipt', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_unique_constraint('uq_objections_receipt', ['receipt'])


def downgrade():
    with op.batch_alter_table('objections') as batch_op:
        batch_op.drop_constraint('uq_objections_receipt', type_='unique')
        batch_op.drop_column('receipt')
