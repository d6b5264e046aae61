"""The audit log is a SHA-256 hash chain sealed at commit, checked by `flask audit verify`, and on
PostgreSQL the database refuses UPDATE, DELETE and TRUNCATE of it (SPEC §5.13)."""
import hashlib
import json

import pytest
import sqlalchemy as sa

from extensions import db as _db
from models import AuditLog
from services import audit
from tests.migrations.test_migrations import empty_database_url  # noqa: F401  (fixture)
from tests.support import factories
from tests.support.racing import N, race, race_app  # noqa: F401  (fixture)


def _entries():
    return _db.session.scalars(sa.select(AuditLog).order_by(AuditLog.seq)).all()


def _tamper(statement: str, **params):
    """Change the log behind the application's back, as an operator with the database's
    superuser could (replica mode skips the trigger on PostgreSQL)."""
    _db.session.rollback()
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        conn.execute(sa.text(statement), params)


def _write(n: int, actor=None):
    for i in range(n):
        audit.record(actor, "test_event", object_type="things", object_id=i,
                     detail={"i": i, "名称": "测试"})


def test_each_commit_seals_its_entries_in_order(db):
    _write(2)
    unsealed = _db.session.scalars(sa.select(AuditLog.seq)).all()
    assert unsealed == [None, None]            # inside the transaction: not yet in the chain
    _db.session.commit()
    _write(1)
    _db.session.commit()
    entries = _entries()
    assert [e.seq for e in entries] == [1, 2, 3]
    previous = "0" * 64
    for e in entries:
        body = {"id": e.id, "seq": e.seq, "created_at": e.created_at.isoformat(),
                "actor_id": None, "address": None, "action": "test_event",
                "object_type": "things", "object_id": e.object_id, "result": "success",
                "detail": e.detail, "before": None, "after": None, "reason": ""}
        text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert e.hash == hashlib.sha256((previous + text).encode()).hexdigest()
        previous = e.hash
    assert audit.verify_chain().ok and audit.verify_chain().checked == 3


def test_a_rolled_back_transaction_leaves_no_entry_and_no_gap(db):
    _write(2)
    _db.session.rollback()
    _write(1)
    _db.session.commit()
    assert [e.seq for e in _entries()] == [1]


def test_flask_audit_verify_counts_a_whole_chain(app, db):
    _write(5)
    _db.session.commit()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "已校验 5 条" in result.output


def test_flask_audit_verify_names_the_first_changed_entry(app, db):
    _write(5)
    _db.session.commit()
    third = _entries()[2]
    _tamper("UPDATE audit_log SET detail = :d WHERE id = :id", d='{"i": 99}', id=third.id)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"id={third.id}" in result.output and "已校验 2 条" in result.output


def test_flask_audit_verify_names_the_entry_after_a_deleted_one(app, db):
    _write(4)
    _db.session.commit()
    entries = _entries()
    _tamper("DELETE FROM audit_log WHERE id = :id", id=entries[1].id)
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"id={entries[2].id}" in result.output and "序号不连续" in result.output


def test_flask_audit_verify_names_a_forged_hash_after_its_own_change(app, db):
    """Rewriting an entry and its hash still breaks the next link."""
    _write(3)
    _db.session.commit()
    first, second = _entries()[:2]
    _tamper("UPDATE audit_log SET hash = :h WHERE id = :id", h="f" * 64, id=first.id)
    verdict = audit.verify_chain()
    assert not verdict.ok and verdict.bad_id == first.id
    assert verdict.checked == 0 and second.id != verdict.bad_id


@pytest.mark.postgres
def test_the_database_refuses_update_delete_and_truncate(db):
    _write(1)
    _db.session.commit()
    entry_id = _entries()[0].id
    _db.session.rollback()                     # no open transaction holds a lock on the table
    for statement in ("UPDATE audit_log SET action = 'x' WHERE id = :id",
                      "UPDATE audit_log SET hash = NULL, seq = NULL WHERE id = :id",
                      "DELETE FROM audit_log WHERE id = :id",
                      "TRUNCATE audit_log"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), _db.engine.begin() as conn:
            conn.execute(sa.text(statement), {"id": entry_id})
    assert [e.id for e in _entries()] == [entry_id]
    assert audit.verify_chain().ok


@pytest.mark.postgres
def test_flask_db_upgrade_installs_the_trigger(empty_database_url):  # noqa: F811
    from flask_migrate import upgrade

    from tests.conftest import make_app

    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade()
        with _db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO audit_log (action, object_type, reason, created_at, result) "
                "VALUES ('x', 'y', '', now(), 'success')"))
        for statement in ("UPDATE audit_log SET action = 'z'", "DELETE FROM audit_log",
                          "TRUNCATE audit_log"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), \
                    _db.engine.begin() as conn:
                conn.execute(sa.text(statement))
        _db.session.remove()
        _db.engine.dispose()


@pytest.mark.postgres
def test_twenty_concurrent_writers_extend_one_chain(world, race_app):  # noqa: F811
    """Twenty requests that each write audited changes at once: one chain, no fork, no gap."""
    from tests.support.racing import api_call, statuses, token

    before = _db.session.scalar(sa.select(sa.func.count(AuditLog.id)))
    bearer = token(race_app, world.rep_a)
    calls = [api_call("post", "/workers", bearer,
                      json={"name": f"并发{i}", "work_unit": "南京大学", "field": "化学",
                            "mobile": f"1390000{i:04d}"}) for i in range(N)]
    responses = race(race_app, calls)
    assert statuses(responses) == {201: N}
    _db.session.expire_all()
    seqs = _db.session.scalars(sa.select(AuditLog.seq).order_by(AuditLog.seq)).all()
    assert len(seqs) > before + N - 1
    assert seqs == list(range(1, len(seqs) + 1))
    verdict = audit.verify_chain()
    assert verdict.ok and verdict.checked == len(seqs)


def test_deleting_a_user_with_entries_is_refused(db):
    """The actor of an entry is never rewritten to NULL (no ON DELETE SET NULL)."""
    user = factories.admin()
    _write(1, actor=user)
    _db.session.commit()
    with pytest.raises(sa.exc.IntegrityError), _db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": user.id})
    assert _entries()[0].actor_id == user.id
