"""Writing the bench province's rows through the database driver, without ORM objects.

SQLite gets executemany in chunks (dates, timestamps and decimals turned into the text SQLAlchemy
would store); PostgreSQL gets COPY, with the loaded tables' secondary indexes dropped before and
built again after, so each index is built once from sorted data rather than grown by millions of
random inserts. Everything happens inside the caller's transaction.
"""
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from bench.province import Rows


def _sqlite_converter(value):
    """How SQLAlchemy's SQLite types store a Python value (None: as it is)."""
    if isinstance(value, datetime):  # naive UTC text, as UTCDateTime stores it (build() makes
        return lambda v: str(v)[:19]  # every instant in UTC; sub-seconds are dropped)
    if isinstance(value, date):
        return date.isoformat
    if isinstance(value, Decimal):
        return str
    return None


def _sqlite_rows(data: list) -> list:
    """The rows with dates, timestamps and decimals as SQLite text; only those columns touched."""
    converters = {}
    for row in data[:200]:
        for i, value in enumerate(row):
            if i not in converters and value is not None:
                converters[i] = _sqlite_converter(value)
    todo = [(i, f) for i, f in converters.items() if f is not None]
    if not todo:
        return data
    out = []
    for row in data:
        row = list(row)
        for i, f in todo:
            if row[i] is not None:
                row[i] = f(row[i])
        out.append(row)
    return out


def write(connection: sa.Connection, rows: Rows, chunk: int = 20000) -> None:
    """Insert every table's rows through the driver: executemany (SQLite) or COPY (PostgreSQL).
    On PostgreSQL the id sequences then continue after the highest id written."""
    write_streams(connection, {table: (columns, iter([data]))
                               for table, (columns, data) in rows.tables.items()}, chunk)


def write_streams(connection: sa.Connection, streams: dict, chunk: int = 20000) -> None:
    """As `write`, for {table: (columns, iterator of row lists)}: each table's rows are drawn chunk
    by chunk (never all in memory) and the tables written in the given order. A table may appear
    with fewer columns than it has (the others take their defaults)."""
    dialect = connection.dialect.name
    raw = connection.connection.dbapi_connection
    cursor = raw.cursor()
    if dialect == "sqlite":  # a large page cache for the load only (random index inserts)
        cursor.execute("PRAGMA cache_size=-262144")
    rebuild = _drop_indexes(cursor, list(streams)) if dialect == "postgresql" else []
    for table, (columns, chunks) in streams.items():
        names = ", ".join(columns)
        for data in chunks:
            if not data:
                continue
            if dialect == "postgresql":
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in data:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 — our names
                for start in range(0, len(data), chunk):
                    cursor.executemany(sql, _sqlite_rows(data[start:start + chunk]))
    for definition in rebuild:  # one sorted build per index rather than row-by-row inserts
        cursor.execute(definition)
    if dialect == "postgresql":
        for table, (columns, _chunks) in streams.items():
            if "id" in columns:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                               f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
    else:
        cursor.execute("PRAGMA cache_size=-2000")  # back to SQLite's default for this connection
    cursor.close()


def _drop_indexes(cursor, tables: list[str]) -> list[str]:
    """PostgreSQL bulk load: drop the secondary indexes of the loaded tables (not those backing
    a primary key or unique constraint) and return their definitions to build them again after
    COPY; a superuser also skips the foreign-key triggers for the load (the generated rows are
    consistent by construction). All inside the load's transaction."""
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conname = i.indexname)", (tables,))
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]
