"""Summaries whose reads follow the Homes (issue 14 follow-up): verified activities per Home ×
year × theme and per province year × month × theme; active representatives per Home;
representatives per Home × year with at least k distinct workers contacted (k = 1..20); appeals
per Home (and for the province) × year × status × days to resolution.

Revision ID: 0004_perf
Revises: 0004_import_preview
Create Date: 2026-11-30 08:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004_perf'
down_revision = '0004_import_preview'
branch_labels = None
depends_on = None

#: models.summary.CONTACT_LEVEL_CAP when this revision was written.
CAP = 20


def upgrade():
    op.create_table(
        'summary_activity_years',
        sa.Column('home_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('theme', sa.String(length=32), nullable=False),
        sa.Column('activities', sa.Integer(), nullable=False),
        sa.Column('participants', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['home_id'], ['homes.id'],
                                name=op.f('fk_summary_activity_years_home_id_homes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('home_id', 'year', 'theme', name=op.f('pk_summary_activity_years')),
    )
    with op.batch_alter_table('summary_activity_years', schema=None) as batch_op:
        batch_op.create_index('ix_summary_activity_years_year',
                              ['year', 'home_id', 'theme', 'activities', 'participants'],
                              unique=False)
    op.create_table(
        'summary_province_months',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('month', sa.Integer(), nullable=False),
        sa.Column('theme', sa.String(length=32), nullable=False),
        sa.Column('activities', sa.Integer(), nullable=False),
        sa.Column('participants', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('year', 'month', 'theme', name=op.f('pk_summary_province_months')),
    )
    op.create_table(
        'summary_home_representatives',
        sa.Column('home_id', sa.Integer(), nullable=False),
        sa.Column('representatives', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['home_id'], ['homes.id'],
                                name=op.f('fk_summary_home_representatives_home_id_homes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('home_id', name=op.f('pk_summary_home_representatives')),
    )
    op.create_table(
        'summary_home_contact_levels',
        sa.Column('home_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('representatives', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['home_id'], ['homes.id'],
                                name=op.f('fk_summary_home_contact_levels_home_id_homes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('home_id', 'year', 'level',
                                name=op.f('pk_summary_home_contact_levels')),
    )
    with op.batch_alter_table('summary_home_contact_levels', schema=None) as batch_op:
        batch_op.create_index('ix_summary_home_contact_levels_year',
                              ['year', 'level', 'home_id', 'representatives'], unique=False)
    op.create_table(
        'summary_appeals',
        sa.Column('home_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('appeals', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['home_id'], ['homes.id'],
                                name=op.f('fk_summary_appeals_home_id_homes'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('home_id', 'year', 'status', 'days',
                                name=op.f('pk_summary_appeals')),
    )
    with op.batch_alter_table('summary_appeals', schema=None) as batch_op:
        batch_op.create_index('ix_summary_appeals_year',
                              ['year', 'status', 'days', 'home_id', 'appeals'], unique=False)
        batch_op.create_index('ix_summary_appeals_status', ['status', 'home_id', 'appeals'],
                              unique=False)

    op.create_table(
        'summary_province_appeals',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('appeals', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', 'status', 'days', name=op.f('pk_summary_province_appeals')),
    )

    # Existing data: fill the summaries from the rows (what `flask rebuild-summaries` does).
    bind = op.get_bind()
    bind.execute(sa.text(
        "INSERT INTO summary_activity_years (home_id, year, theme, activities, participants) "
        "SELECT home_id, year, theme, SUM(activities), SUM(participants) FROM summary_activities "
        "GROUP BY home_id, year, theme"))
    bind.execute(sa.text(
        "INSERT INTO summary_province_months (year, month, theme, activities, participants) "
        "SELECT year, month, theme, SUM(activities), SUM(participants) FROM summary_activities "
        "GROUP BY year, month, theme"))
    active_reps = ("u.role = 'representative' AND u.active = :yes AND u.home_id IS NOT NULL")
    bind.execute(sa.text(
        "INSERT INTO summary_home_representatives (home_id, representatives) "
        f"SELECT u.home_id, COUNT(u.id) FROM users u WHERE {active_reps} GROUP BY u.home_id"),
        {"yes": True})
    levels = " UNION ALL ".join(f"SELECT {k} AS level" for k in range(1, CAP + 1))
    bind.execute(sa.text(
        "INSERT INTO summary_home_contact_levels (home_id, year, level, representatives) "
        "SELECT u.home_id, r.year, lv.level, COUNT(*) FROM summary_representative_years r "
        "JOIN users u ON u.id = r.representative_id "
        f"JOIN ({levels}) lv ON r.workers >= lv.level "
        f"WHERE {active_reps} GROUP BY u.home_id, r.year, lv.level"), {"yes": True})
    # Appeals by their Asia/Shanghai received year (UTC+8, no daylight saving since 1991).
    if bind.dialect.name == 'postgresql':
        def local_date(column):
            return f"CAST(({column} AT TIME ZONE 'Asia/Shanghai') AS DATE)"
        year = "CAST(EXTRACT(YEAR FROM (created_at AT TIME ZONE 'Asia/Shanghai')) AS INTEGER)"
        days = f"({local_date('resolved_at')} - {local_date('created_at')})"
    else:
        def local_date(column):
            return f"julianday(date({column}, '+8 hours'))"
        year = "CAST(strftime('%Y', created_at, '+8 hours') AS INTEGER)"
        days = f"CAST({local_date('resolved_at')} - {local_date('created_at')} AS INTEGER)"
    day_column = (f"CASE WHEN status <> 'resolved' THEN 0 WHEN resolved_at IS NULL THEN -1 "
                  f"ELSE {days} END")
    bind.execute(sa.text(
        "INSERT INTO summary_appeals (home_id, year, status, days, appeals) "
        f"SELECT home_id, {year}, status, {day_column}, COUNT(id) FROM appeals "
        f"GROUP BY home_id, {year}, status, {day_column}"))
    bind.execute(sa.text(
        "INSERT INTO summary_province_appeals (year, status, days, appeals) "
        "SELECT year, status, days, SUM(appeals) FROM summary_appeals "
        "GROUP BY year, status, days"))


def downgrade():
    op.drop_table('summary_province_appeals')
    with op.batch_alter_table('summary_appeals', schema=None) as batch_op:
        batch_op.drop_index('ix_summary_appeals_status')
        batch_op.drop_index('ix_summary_appeals_year')
    op.drop_table('summary_appeals')
    with op.batch_alter_table('summary_home_contact_levels', schema=None) as batch_op:
        batch_op.drop_index('ix_summary_home_contact_levels_year')
    op.drop_table('summary_home_contact_levels')
    op.drop_table('summary_home_representatives')
    op.drop_table('summary_province_months')
    with op.batch_alter_table('summary_activity_years', schema=None) as batch_op:
        batch_op.drop_index('ix_summary_activity_years_year')
    op.drop_table('summary_activity_years')
