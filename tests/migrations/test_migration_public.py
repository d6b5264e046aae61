"""Migration 0003_public: representatives who existed before it get a random public code."""
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import upgrade

from extensions import db
from tests.conftest import make_app
from tests.migrations.test_migrations import empty_database_url  # noqa: F401  (the fixture)

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_upgrade_gives_existing_representatives_a_code(empty_database_url):  # noqa: F811
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO units (id, name, kind, address, postcode, contact_person, phone, fax,"
                " email, active, created_at, updated_at) VALUES (1, 'U', 'provincial_society',"
                " '', '', '', '', '', '', true, :t, :t)"), {"t": NOW})
            conn.execute(sa.text(
                "INSERT INTO homes (id, unit_id, name, status, venue_address, has_sign,"
                " has_facilities, management_rules, created_at, updated_at)"
                " VALUES (1, 1, 'H', 'active', '', false, false, false, :t, :t)"), {"t": NOW})
            for uid, role, home, level in ((1, "representative", 1, "city"),
                                           (2, "representative", 1, "county"),
                                           (3, "provincial_admin", None, None)):
                conn.execute(sa.text(
                    "INSERT INTO users (id, username, name, password_hash, role, active, mobile,"
                    " email, home_id, level, work_unit, speciality, created_at, updated_at)"
                    " VALUES (:id, :u, :u, 'x', :role, true, '', '', :home, :level, '', '', :t, :t)"),
                    {"id": uid, "u": f"u{uid}", "role": role, "home": home, "level": level,
                     "t": NOW})
        upgrade()
        with db.engine.connect() as conn:
            codes = dict(conn.execute(sa.text("SELECT id, public_code FROM users")).all())
            sources = conn.execute(sa.text("SELECT count(*) FROM appeals")).scalar()
        assert codes[3] is None
        assert len(codes[1]) >= 8 and len(codes[2]) >= 8 and codes[1] != codes[2]
        assert sources == 0
        db.engine.dispose()
