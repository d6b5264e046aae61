"""Users sort by the pinyin of their names: users.name_key (models.user.name_sort_key), filled
here for every existing account, with an index on (name_key, id) for lists in name order; and an
index on users.mobile for logins by mobile.

Revision ID: 0006_pinyin
Revises: 0006_delivery
Create Date: 2026-12-07 18:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006_pinyin'
down_revision = '0006_delivery'
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    from models.user import name_sort_key

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_key', sa.String(length=400), server_default='',
                                      nullable=False))
    conn = op.get_bind()
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('name', sa.String),
                     sa.column('name_key', sa.String))
    last = 0
    while True:
        rows = conn.execute(sa.select(users.c.id, users.c.name).where(users.c.id > last)
                            .order_by(users.c.id).limit(BATCH)).all()
        if not rows:
            break
        conn.execute(users.update().where(users.c.id == sa.bindparam('uid'))
                     .values(name_key=sa.bindparam('key')),
                     [{'uid': uid, 'key': name_sort_key(name)} for uid, name in rows])
        last = rows[-1][0]
    op.create_index('ix_users_name_key', 'users', ['name_key', 'id'], unique=False)
    op.create_index(op.f('ix_users_mobile'), 'users', ['mobile'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_users_mobile'), table_name='users')
    op.drop_index('ix_users_name_key', table_name='users')
    # SQLite rebuilds the table in a batch and would lose this expression index: drop, then recreate.
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('name_key')
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
