"""`flask seed-bench --scale N [--years Y] [--force]`: fill the database with the bench province.

The rows are built by bench/province.py (deterministic, pure) and written by bench/bulk_load.py
(the driver directly, inside one transaction); this module refuses or wipes a non-empty database,
rebuilds the summary tables from the rows just written, refreshes the planner's statistics and
answers the row counts and how long each step took. The province's names (BENCH_PASSWORD,
ADMIN_USERNAME, SEED, PER_SCALE, counts_for, build) are re-exported for the bench and its tests.
"""
import time
from datetime import date

import sqlalchemy as sa

from bench import extras
from bench.bulk_load import write, write_streams
from bench.province import ADMIN_USERNAME, BENCH_PASSWORD, PER_SCALE, SEED, Rows, build, counts_for
from extensions import db

__all__ = ["ADMIN_USERNAME", "BENCH_PASSWORD", "PER_SCALE", "SEED", "Rows", "build", "counts_for",
           "generate", "is_empty", "wipe", "write"]


def is_empty() -> bool:
    """True when the database holds no unit, Home or user."""
    from models import Home, Unit, User
    return not any(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                   for m in (Unit, Home, User))


def wipe() -> None:
    """Delete every row of every table of the model (the schema stays). On PostgreSQL the audit
    log's append-only trigger is bypassed for this transaction only (session_replication_role =
    replica): the benchmark's `--force` wipes a database it generated, never a real one."""
    db.session.commit()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())


def generate(scale: float, years: int = 1, *, force: bool = False, seed: int = SEED,
             today: date | None = None, analyze: bool = True, with_extras: bool = True) -> dict:
    """Fill the database with the bench province; returns row counts and timings (seconds):
    {rows, build_s, write_s, summaries_s, analyze_s, total_s} for the main seed and, unless
    `with_extras` is False, {extras_rows, extras_s} for the audit log, surveys, needs and sign-ins
    (bench/extras.py), seeded in a step of their own and timed apart (analyze_s covers both).
    Refuses (RuntimeError) a non-empty database unless `force`, which wipes it first."""
    from services.clock import today as clock_today
    if scale <= 0:
        raise ValueError("scale must be positive")
    if years < 1:
        raise ValueError("years must be at least 1")
    if not is_empty():
        if not force:
            raise RuntimeError("数据库不为空：使用 --force 清空后重新生成")
        wipe()
    started = time.perf_counter()
    rows = build(scale, years, today=today or clock_today(), seed=seed)
    built = time.perf_counter()
    connection = db.session.connection()
    write(connection, rows)
    wrote = time.perf_counter()
    from services import summaries
    summaries.rebuild()  # the summary tables the pages read, from the rows just written
    db.session.commit()
    written = time.perf_counter()
    extra_rows = add_extras(rows, scale) if with_extras else {}
    extras_done = time.perf_counter()
    if analyze:  # fresh statistics after a bulk load, as an operator (or autovacuum) would run
        if db.engine.dialect.name == "postgresql":
            # VACUUM also sets the visibility map, without which PostgreSQL will not choose
            # index-only scans over freshly COPYed rows.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as conn:
                conn.execute(sa.text("ANALYZE"))
    if db.engine.dialect.name == "sqlite":  # fold the bulk load's WAL into the database file
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    done = time.perf_counter()
    return {"rows": {t: len(r) for t, (_c, r) in rows.tables.items()},
            "build_s": built - started, "write_s": wrote - built,
            "summaries_s": written - wrote, "analyze_s": done - extras_done,
            "total_s": (written - started) + (done - extras_done),
            "extras_rows": extra_rows, "extras_s": extras_done - written}


def add_extras(main: Rows, scale: float) -> dict:
    """The audit, survey, needs and sign-in tables (bench/extras.py) after the main rows, in one
    transaction, the audit log continuing the chain from its head; {table: rows written}."""
    from services.audit import head
    from services.clock import now
    connection = db.session.connection()
    first_id = (connection.execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM audit_log"))
                .scalar_one() + 1)
    streams = extras.build(main, scale, now=now(), first_id=first_id, head=head(connection))
    counted = {}

    def counting(table, chunks):
        for chunk in chunks:
            counted[table] = counted.get(table, 0) + len(chunk)
            yield chunk
    write_streams(connection, {t: (cols, counting(t, chunks))
                               for t, (cols, chunks) in streams.items()})
    db.session.commit()
    return counted
