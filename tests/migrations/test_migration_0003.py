"""Migration 0003_uniques on data stored before it (both databases): duplicate workers merged into
the earliest, case-duplicate usernames renamed, every change audited, then the unique indexes hold."""
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from extensions import db
from tests.conftest import make_app
from tests.migrations.test_migrations import empty_database_url  # noqa: F401  (fixture)


class Rows:
    """INSERTs into the schema as it stands (reflected), filling NOT NULL columns not given."""

    def __init__(self, conn):
        self.conn = conn
        self.meta = sa.MetaData()
        self.meta.reflect(bind=conn)

    def add(self, table_name, **values) -> int | None:
        table = self.meta.tables[table_name]
        now = datetime.now(UTC).replace(tzinfo=None)
        for column in table.columns:
            if column.name in values or column.nullable or column.primary_key and \
                    column.autoincrement in (True, "auto") and len(table.primary_key) == 1:
                continue
            python_type = column.type.python_type
            values[column.name] = {str: "", int: 0, bool: False, datetime: now,
                                   date: date(2026, 1, 1)}[python_type]
        result = self.conn.execute(table.insert().values(**values))
        key = result.inserted_primary_key
        return key[0] if key and len(table.primary_key) == 1 else None

    def all(self, sql, **params):
        return self.conn.execute(sa.text(sql), params).all()


def test_upgrade_merges_duplicate_workers_and_renames_case_duplicate_usernames(
        empty_database_url):  # noqa: F811
    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            r = Rows(conn)
            unit = r.add("units", name="南京市科协", kind="city_association", city="南京市",
                         active=True)
            home = r.add("homes", unit_id=unit, name="南京之家", status="active")
            rep = {name: r.add("users", username=name, name=name, password_hash="x",
                               role="representative", home_id=home, level="city", active=True,
                               mobile=mobile)
                   for name, mobile in (("rep1", ""), ("rep2", "+86 139 0000 1111"),
                                        ("Rep1", ""))}
            boss = [r.add("users", username=name, name=name, password_hash="x",
                          role="provincial_admin", active=True) for name in ("Boss", "boss", "BOSS")]
            w1 = r.add("workers", name="王工", mobile="13800138001", email="")
            w2 = r.add("workers", name="王工", mobile="+86 138 0013 8001", email="w@nju.cn",
                       work_unit="南京大学")
            w3 = r.add("workers", name="王工", mobile="138-0013-8001")
            w4 = r.add("workers", name="赵工", mobile="13900000000")
            blanks = [r.add("workers", name=n, mobile="") for n in ("无号甲", "无号乙")]
            for rep_name, worker in (("rep1", w1), ("rep1", w2), ("rep2", w2), ("rep2", w3),
                                     ("Rep1", w3)):
                r.add("worker_links", representative_id=rep[rep_name], worker_id=worker)
            contacts = [r.add("contact_records", representative_id=rep[rep_name], worker_id=worker,
                              date=date(2026, 3, 1), channel="visit")
                        for rep_name, worker in (("rep1", w2), ("rep2", w3), ("rep1", w4))]
            activities = [r.add("activities", home_id=home, organizer_id=rep["rep1"],
                                theme="window", kind="exchange", title=t, date=date(2026, 3, 1),
                                mode="offline", summary="座谈", status="submitted")
                          for t in ("一", "二")]
            for activity, worker in ((activities[0], w1), (activities[0], w2),
                                     (activities[1], w3)):
                r.add("activity_workers", activity_id=activity, worker_id=worker)
            appeal = r.add("appeals", representative_id=rep["rep1"], home_id=home, worker_id=w3,
                           category="career", content="诉求", status="received")

        upgrade()

        with db.engine.begin() as conn:
            r = Rows(conn)
            workers = {row.id: row for row in r.all("SELECT * FROM workers")}
            assert set(workers) == {w1, w4, *blanks}
            assert workers[w1].email == "w@nju.cn" and workers[w1].work_unit == "南京大学"
            assert set(r.all("SELECT representative_id, worker_id FROM worker_links")) == {
                (rep["rep1"], w1), (rep["rep2"], w1), (rep["Rep1"], w1)}
            assert dict(r.all("SELECT id, worker_id FROM contact_records")) == {
                contacts[0]: w1, contacts[1]: w1, contacts[2]: w4}
            assert set(r.all("SELECT activity_id, worker_id FROM activity_workers")) == {
                (activities[0], w1), (activities[1], w1)}
            assert r.all("SELECT worker_id FROM appeals WHERE id = :id", id=appeal) == [(w1,)]
            merges = r.all("SELECT object_type, object_id, after, reason FROM audit_log "
                           "WHERE action = 'merge_duplicates'")
            assert len(merges) == 1 and merges[0][:2] == ("workers", w1)
            after = merges[0][2]
            after = after if isinstance(after, dict) else json.loads(after)
            assert after["merged_worker_ids"] == [w2, w3] and "手机号" in merges[0][3]

            users = dict(r.all("SELECT id, username FROM users"))
            assert users[rep["rep1"]] == "rep1" and users[rep["Rep1"]] == f"Rep1-{rep['Rep1']}"
            assert [users[i] for i in boss] == ["Boss", f"boss-{boss[1]}", f"BOSS-{boss[2]}"]
            assert len(r.all("SELECT id FROM audit_log WHERE action = 'rename_duplicate_username'")
                       ) == 3
            assert r.all("SELECT mobile FROM users WHERE id = :id", id=rep["rep2"]) == [
                ("13900001111",)]
            assert r.all("SELECT renewed_for_year FROM homes") == [(None,)]

        for statement in ("INSERT INTO workers (name, work_unit, field, mobile, email, created_at, "
                          "updated_at) VALUES ('重号', '', '', '13800138001', '', "
                          "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                          "UPDATE users SET username = 'REP1' WHERE username = 'rep2'"):
            with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
                conn.execute(sa.text(statement))
        with db.engine.begin() as conn:  # blank mobiles: as many as there are
            conn.execute(sa.text(
                "INSERT INTO workers (name, work_unit, field, mobile, email, created_at, "
                "updated_at) VALUES ('无号丙', '', '', '', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        db.engine.dispose()
