"""Summary tables for province-wide figures; indexes for list orders, keyset pages and queues
(issue 14).

Revision ID: 0003_summaries
Revises: 0003_uniques
Create Date: 2026-11-30 05:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_summaries'
down_revision = '0003_uniques'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'summary_activities',
        sa.Column('home_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('theme', sa.String(length=32), nullable=False),
        sa.Column('activities', sa.Integer(), nullable=False),
        sa.Column('participants', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['home_id'], ['homes.id'],
                                name=op.f('fk_summary_activities_home_id_homes'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('home_id', 'year', 'month', 'theme', name=op.f('pk_summary_activities')),
    )
    with op.batch_alter_table('summary_activities', schema=None) as batch_op:
        batch_op.create_index('ix_summary_activities_year',
                              ['year', 'home_id', 'theme', 'month', 'activities', 'participants'],
                              unique=False)
    op.create_table(
        'summary_contacts',
        sa.Column('representative_id', sa.Integer(), nullable=False),
        sa.Column('worker_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('contacts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['representative_id'], ['users.id'],
                                name=op.f('fk_summary_contacts_representative_id_users'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['worker_id'], ['workers.id'],
                                name=op.f('fk_summary_contacts_worker_id_workers'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('representative_id', 'worker_id', 'year',
                                name=op.f('pk_summary_contacts')),
    )
    op.create_table(
        'summary_representative_years',
        sa.Column('representative_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('workers', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['representative_id'], ['users.id'],
                                name=op.f('fk_summary_representative_years_representative_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('representative_id', 'year', name=op.f('pk_summary_representative_years')),
    )
    with op.batch_alter_table('summary_representative_years', schema=None) as batch_op:
        batch_op.create_index('ix_summary_representative_years_year',
                              ['year', 'representative_id', 'workers'], unique=False)

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_date_id', ['date', 'id'], unique=False)
        batch_op.create_index('ix_activities_home_id_date_id', ['home_id', 'date', 'id'], unique=False)
        batch_op.create_index('ix_activities_status_submitted_at', ['status', 'submitted_at', 'id'],
                              unique=False)
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_index('ix_appeals_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_appeals_home_id_created_at_id', ['home_id', 'created_at', 'id'],
                              unique=False)
    with op.batch_alter_table('contact_records', schema=None) as batch_op:
        batch_op.create_index('ix_contact_records_date_id', ['date', 'id'], unique=False)

    # Existing data: fill the summaries from the rows (what `flask rebuild-summaries` does).
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        def part(field, column):
            return f"CAST(EXTRACT({field} FROM {column}) AS INTEGER)"
    else:
        def part(field, column):
            return f"CAST(strftime('{'%Y' if field == 'YEAR' else '%m'}', {column}) AS INTEGER)"
    year, month, cyear = part('YEAR', 'date'), part('MONTH', 'date'), part('YEAR', 'date')
    bind.execute(sa.text(
        "INSERT INTO summary_activities (home_id, year, month, theme, activities, participants) "
        f"SELECT home_id, {year}, {month}, theme, COUNT(id), COALESCE(SUM(participants), 0) "
        f"FROM activities WHERE status = 'verified' GROUP BY home_id, {year}, {month}, theme"))
    bind.execute(sa.text(
        "INSERT INTO summary_contacts (representative_id, worker_id, year, contacts) "
        f"SELECT representative_id, worker_id, {cyear}, COUNT(id) FROM contact_records "
        f"GROUP BY representative_id, worker_id, {cyear}"))
    bind.execute(sa.text(
        "INSERT INTO summary_representative_years (representative_id, year, workers) "
        "SELECT representative_id, year, COUNT(*) FROM summary_contacts "
        "GROUP BY representative_id, year"))


def downgrade():
    with op.batch_alter_table('contact_records', schema=None) as batch_op:
        batch_op.drop_index('ix_contact_records_date_id')
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_index('ix_appeals_home_id_created_at_id')
        batch_op.drop_index('ix_appeals_created_at_id')
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_index('ix_activities_status_submitted_at')
        batch_op.drop_index('ix_activities_home_id_date_id')
        batch_op.drop_index('ix_activities_date_id')
    with op.batch_alter_table('summary_representative_years', schema=None) as batch_op:
        batch_op.drop_index('ix_summary_representative_years_year')
    op.drop_table('summary_representative_years')
    op.drop_table('summary_contacts')
    with op.batch_alter_table('summary_activities', schema=None) as batch_op:
        batch_op.drop_index('ix_summary_activities_year')
    op.drop_table('summary_activities')
