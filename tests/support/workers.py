"""What a test process may use on its own when pytest-xdist runs several at once.

Each xdist worker (PYTEST_XDIST_WORKER = gw0, gw1 …) gets its own PostgreSQL database derived from
TEST_DATABASE_URL (`…/t_rooms` → `…/t_rooms_gw0`, created when missing), its own share of a port
range (TEST_PORTS, default 5200-5299, cut into one slice per worker) and its own Redis key prefix.
A run without xdist uses TEST_DATABASE_URL as given and the whole range. What must not run on two
workers at once takes a lock shared by the workers of one run (`one_at_a_time`).
"""
import contextlib
import fcntl
import functools
import os
import socket
import tempfile
import time

DEFAULT_PORTS = "5200-5299"


def worker_id() -> str:
    """`gw0`, `gw1` … under pytest-xdist; empty in a plain run (and in xdist's controller)."""
    return os.environ.get("PYTEST_XDIST_WORKER", "")


def worker_index() -> int:
    wid = worker_id()
    return int(wid[2:]) if wid.startswith("gw") and wid[2:].isdigit() else 0


def worker_count() -> int:
    return max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT") or 1))


def port_slice(low: int, high: int) -> range:
    """This worker's own part of the ports low..high (all of them in a plain run)."""
    size = (high - low + 1) // worker_count()
    if size < 1:
        raise RuntimeError(f"ports {low}-{high} are fewer than the {worker_count()} xdist workers")
    start = low + worker_index() * size
    return range(start, start + size)


def test_ports() -> tuple[int, int]:
    """TEST_PORTS as (low, high)."""
    low, _, high = (os.environ.get("TEST_PORTS") or DEFAULT_PORTS).partition("-")
    return int(low), int(high or low)


def free_ports(count: int, span: tuple[int, int] | None = None) -> list[int]:
    """`count` ports of this worker's slice of `span` (default TEST_PORTS) that nothing listens on."""
    low, high = span or test_ports()
    ports = port_slice(low, high)
    found = []
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"fewer than {count} free ports in {ports.start}-{ports.stop - 1} "
                       f"(this worker's slice of {low}-{high})")


@contextlib.contextmanager
def one_at_a_time(name: str):
    """Hold the lock `name` against the other xdist workers of this run; nothing to hold in a plain run.

    The workers of one run are children of one controller process: the lock file is named after it.
    The lock goes with the process if it dies (flock).
    """
    if not worker_id():
        yield
        return
    path = os.path.join(tempfile.gettempdir(), f"rephome-tests-{os.getppid()}-{name}.lock")
    with open(path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def remove_locks() -> None:
    """The lock files of this run's workers (called by the run's controller once they are gone)."""
    folder = tempfile.gettempdir()
    for entry in os.listdir(folder):
        if entry.startswith(f"rephome-tests-{os.getpid()}-") and entry.endswith(".lock"):
            with contextlib.suppress(OSError):
                os.remove(os.path.join(folder, entry))


def key_prefix(name: str = "rephome-tests") -> str:
    """A Redis key prefix of this process alone (worker and pid), for tests that count in Redis."""
    return f"{name}-{worker_id() or 'main'}-{os.getpid()}-"


def database_url(base: str) -> str:
    """This worker's database: `base` itself in a plain run, else `base` + `_gwN` (created if missing).

    PostgreSQL: `postgresql+psycopg://…/test` → `…/test_gw0`, created through the server's `postgres`
    database. SQLite: `sqlite:////tmp/x.db` → `sqlite:////tmp/x_gw0.db`.
    """
    return _database_url(base, worker_id())


@functools.cache
def _database_url(base: str, wid: str) -> str:
    if not wid:
        return base
    import sqlalchemy as sa

    url = sa.engine.make_url(base)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return base
        stem, dot, ext = url.database.rpartition(".")
        name = f"{stem}_{wid}.{ext}" if dot and "/" not in ext else f"{url.database}_{wid}"
        return url.set(database=name).render_as_string(hide_password=False)
    name = f"{url.database}_{wid}"
    if url.get_backend_name() == "postgresql":
        _create_postgres_database(url, name)
    return url.set(database=name).render_as_string(hide_password=False)


def _create_postgres_database(url, name: str) -> None:
    """CREATE DATABASE `name` on `url`'s server unless it exists (AUTOCOMMIT, from `postgres`)."""
    import sqlalchemy as sa

    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT",
                             poolclass=sa.pool.NullPool)
    try:
        for attempt in range(10):
            with admin.connect() as conn:
                if conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                    return
                try:
                    conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
                    return
                except sa.exc.DBAPIError as error:
                    code = getattr(error.orig, "sqlstate", None)
                    if code == "42P04":  # duplicate_database: made meanwhile by another run
                        return
                    # object_in_use: another CREATE DATABASE is copying template1 right now
                    if code != "55006" or attempt == 9:
                        raise
            time.sleep(0.5)
    finally:
        admin.dispose()
