"""Migration 0005 (SPEC §5.13): existing accounts get password_changed_at = the migration's time,
the three administrator roles pass the role check, and lower(username) stays unique."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from extensions import db
from models.base import utcnow
from tests.conftest import make_app
from tests.migrations.test_migrations import empty_database_url

__all__ = ["empty_database_url"]

USER = ("INSERT INTO users (username, name, password_hash, role, active, mobile, email, work_unit, "
        "speciality, must_change_password, created_at, updated_at) VALUES (:u, 'n', 'h', :r, true, "
        "'', '', '', '', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")


def test_existing_accounts_start_their_password_age_at_the_migration(empty_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0004_perf")
        with db.engine.begin() as conn:
            conn.execute(sa.text(USER), {"u": "old_admin", "r": "provincial_admin"})
        before = utcnow().replace(microsecond=0)
        upgrade()
        with db.engine.begin() as conn:
            changed = conn.execute(sa.text("SELECT password_changed_at FROM users")).scalar()
            assert changed is not None
            if isinstance(changed, str):  # SQLite answers text
                changed = datetime.fromisoformat(changed)
            changed = changed.replace(tzinfo=UTC) if changed.tzinfo is None else changed
            assert changed >= before - timedelta(seconds=2)
            for role in ("system_admin", "security_admin", "audit_admin"):
                conn.execute(sa.text(USER), {"u": role, "r": role})
        with db.engine.connect() as conn:
            with pytest.raises(sa.exc.IntegrityError):
                conn.execute(sa.text(USER), {"u": "OLD_ADMIN", "r": "provincial_admin"})
            conn.rollback()
            with pytest.raises(sa.exc.IntegrityError):
                conn.execute(sa.text(USER), {"u": "x", "r": "superuser"})
            conn.rollback()
        db.engine.dispose()
