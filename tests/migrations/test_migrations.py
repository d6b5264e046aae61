"""The Alembic migrations build the schema on an empty database and agree with the models."""
import logging
import os
import uuid

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from extensions import db
from models.base import include_for_dialect
from tests.conftest import _TMP, _database_url, make_app


@pytest.fixture()
def empty_database_url():
    """A brand-new empty database of the same kind as the test database."""
    if not os.environ.get("TEST_DATABASE_URL"):
        yield f"sqlite:///{_TMP}/migrations-{uuid.uuid4().hex}.db"
        return
    name = f"rephome_migrations_{uuid.uuid4().hex[:8]}"
    url = sa.engine.make_url(_database_url())  # this worker's database: it exists
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name})
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _diff(app):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True, "include_object": include_for_dialect(conn.dialect.name)})
        return compare_metadata(context, db.metadata)


def test_upgrade_on_empty_database_matches_models(empty_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        assert _diff(app) == []
        db.engine.dispose()


def test_migrating_in_a_running_process_leaves_its_loggers_speaking(empty_database_url):
    """`flask db upgrade` inside a process (make run, the tests) must not silence the loggers the
    process already has: the host-mismatch warning and the missing-glyph report are read by operators."""
    speakers = [logging.getLogger(name) for name in
                ("blueprints.errors.lost_token", "services.fonts", "rephome.test.existing")]
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    assert [log.name for log in speakers if log.disabled] == []


def test_downgrade_to_base_and_upgrade_again(empty_database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        upgrade()
        assert _diff(app) == []
        db.engine.dispose()


def test_constraints_hold_rules_in_the_database(empty_database_url):
    """The database itself refuses what it can hold: enum values and one Home per unit."""
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            conn.execute(sa.text("INSERT INTO units (name, kind, address, postcode, contact_person, "
                                 "phone, fax, email, active, created_at, updated_at) VALUES "
                                 "('u', 'city_association', '', '', '', '', '', '', true, "
                                 "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            with pytest.raises(sa.exc.IntegrityError):
                conn.execute(sa.text("INSERT INTO units (name, kind, address, postcode, "
                                     "contact_person, phone, fax, email, active, created_at, "
                                     "updated_at) VALUES ('v', 'not_a_kind', '', '', '', '', '', "
                                     "'', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            conn.rollback()
        db.engine.dispose()
