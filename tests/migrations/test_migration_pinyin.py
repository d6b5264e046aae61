"""Migration 0006_pinyin fills users.name_key for the accounts that exist before it."""
import sqlalchemy as sa
from flask_migrate import upgrade

from extensions import db
from models.user import name_sort_key
from tests.conftest import make_app
from tests.migrations.test_migrations import empty_database_url

__all__ = ["empty_database_url"]

USER = ("INSERT INTO users (username, name, password_hash, role, active, mobile, email, work_unit, "
        "speciality, must_change_password, created_at, updated_at) VALUES (:u, :n, 'h', "
        "'provincial_admin', true, '', '', '', '', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")


def test_existing_accounts_get_their_pinyin_key(empty_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    names = ["赵六", "阿里", "曾国藩", "Alice"]
    with app.app_context():
        upgrade(revision="0005_audit")
        with db.engine.begin() as conn:
            for i, name in enumerate(names):
                conn.execute(sa.text(USER), {"u": f"old{i}", "n": name})
        upgrade()
        with db.engine.begin() as conn:
            keys = dict(conn.execute(sa.text("SELECT name, name_key FROM users")).all())
            ordered = conn.execute(sa.text("SELECT name FROM users ORDER BY name_key, id")).scalars().all()
        db.engine.dispose()
    assert keys == {name: name_sort_key(name) for name in names}
    assert ordered == ["阿里", "Alice", "曾国藩", "赵六"]
