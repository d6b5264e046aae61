"""The summary tables (models/summary.py) named once, and the one write every summary shares:
an atomic upsert that adds counters (`INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`).

A leaf: the writers (writes.py, appeals.py), the readers (reads.py) and the rebuild import it."""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from extensions import db
from models.summary import (
    ActivitySummary,
    ActivityYearSummary,
    AppealSummary,
    ContactSummary,
    HomeContactLevelSummary,
    HomeRepresentativeSummary,
    HomeSubmittedSummary,
    ProvinceAppealSummary,
    ProvinceMonthSummary,
    RepresentativeYearSummary,
)

A = ActivitySummary.__table__
Y = ActivityYearSummary.__table__
P = ProvinceMonthSummary.__table__
C = ContactSummary.__table__
R = RepresentativeYearSummary.__table__
H = HomeRepresentativeSummary.__table__
Q = HomeSubmittedSummary.__table__  # the verification queues
L = HomeContactLevelSummary.__table__
S = AppealSummary.__table__
V = ProvinceAppealSummary.__table__


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


_COMPILED: dict = {}
_COMPILED_ROWS = 8  # writes of up to this many rows (every request's) use a statement compiled once


def _upsert_statement(table, keys: tuple, counters: tuple, rows, returning=()):
    stmt = _insert(table).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={c: table.c[c] + stmt.excluded[c] for c in counters})
    return stmt.returning(*returning) if returning else stmt


def upsert(table, keys: tuple, counters: tuple, rows: list[dict], returning=()):
    """INSERT rows; on a key conflict add each counter to the stored one — one statement.

    SQLAlchemy does not cache an ON CONFLICT DO UPDATE statement, and compiling it is the largest
    cost of a small write (see bench/RESULTS.md). Up to
    _COMPILED_ROWS rows, the statement is compiled once per table, columns and row count (bound
    parameters, plain ints and strings) and run as the driver's SQL; larger batches compile as
    usual. Returns the cursor result (the `returning` columns)."""
    if len(rows) > _COMPILED_ROWS:
        return db.session.execute(_upsert_statement(table, keys, counters, rows, returning))
    connection = db.session.connection()
    names = tuple(rows[0])
    key = (connection.dialect.name, table.name, keys, counters, names,
           tuple(c.name for c in returning), len(rows))
    compiled = _COMPILED.get(key)
    if compiled is None:
        params = [{c: sa.bindparam(f"{c}_{i}", type_=table.c[c].type) for c in names}
                  for i in range(len(rows))]
        compiled = _COMPILED.setdefault(key, _upsert_statement(
            table, keys, counters, params, returning).compile(dialect=connection.dialect))
    values = {f"{c}_{i}": row[c] for i, row in enumerate(rows) for c in names}
    if compiled.positional:
        return connection.exec_driver_sql(compiled.string,
                                          tuple(values[n] for n in compiled.positiontup))
    return connection.exec_driver_sql(compiled.string, values)

