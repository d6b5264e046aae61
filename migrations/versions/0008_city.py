"""三级联动 and city associations (SPEC §5.12): the role city_admin with its users.city, the
activity's 三级联动 flag as of verification, and summary_activities.linked counting them.

Existing verified activities get no flag (their levels at verification are not known); the summary
counter starts at 0 accordingly.

Revision ID: 0008_city
Revises: 0007_needs
Create Date: 2026-12-07 19:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_city'
down_revision = '0007_needs'
branch_labels = None
depends_on = None

OLD_ROLES = ('representative', 'home_manager', 'provincial_admin', 'system_admin', 'security_admin',
             'audit_admin')
NEW_ROLES = ('representative', 'home_manager', 'provincial_admin', 'city_admin', 'system_admin',
             'security_admin', 'audit_admin')


def _role_check(roles):
    return "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"


def upgrade():
    # SQLite rebuilds the table in a batch and would lose this expression index: drop, then recreate.
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('city', sa.String(length=20), nullable=True))
        batch_op.drop_constraint('role', type_='check')
        batch_op.create_check_constraint('role', _role_check(NEW_ROLES))
        batch_op.create_check_constraint('city_admin_has_city',
                                         "role != 'city_admin' OR city IS NOT NULL")
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('linked_levels', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('summary_activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('linked', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('summary_activities', schema=None) as batch_op:
        batch_op.drop_column('linked')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('linked_levels')
    op.execute(sa.text("DELETE FROM users WHERE role = 'city_admin'"))
    op.drop_index('uq_users_username_lower', table_name='users')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('city_admin_has_city', type_='check')
        batch_op.drop_constraint('role', type_='check')
        batch_op.create_check_constraint('role', _role_check(OLD_ROLES))
        batch_op.drop_column('city')
    op.create_index('uq_users_username_lower', 'users', [sa.text('lower(username)')], unique=True)
